package dev.castrelay.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lossy uplink in user space, on loopback: a UDP relay between one publisher and {@code 127.0.0.1:targetPort}
 * that drops a share of the publisher's datagrams and delays the rest, as a venue's cellular or congested uplink
 * would ({@code tc netem} is not available here; this is the same idea in a process). The way back (the server's
 * acknowledgements and retransmission requests) passes untouched. The drops follow a seeded random sequence, so a
 * run can be repeated. One publisher per relay: the server's datagrams go to whoever sent last.
 */
public final class LossyUdpRelay implements AutoCloseable {

    private static final int MAX_DATAGRAM = 65_536;

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final double dropShare;
    private final long delayMillis;
    private final Random random;
    private final ScheduledExecutorService delayer;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile SocketAddress publisher;
    private volatile boolean closed;

    private LossyUdpRelay(int targetPort, double dropShare, long delayMillis, long seed) throws IOException {
        this.front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))
                .connect(new InetSocketAddress("127.0.0.1", targetPort));
        this.dropShare = dropShare;
        this.delayMillis = delayMillis;
        this.random = new Random(seed);
        this.delayer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lossy-udp-delay"));
        daemon(this::upstream, "lossy-udp-up").start();
        daemon(this::downstream, "lossy-udp-down").start();
    }

    /**
     * A relay to {@code 127.0.0.1:targetPort} dropping {@code dropShare} (0..1) of the publisher's datagrams and
     * delaying the others by {@code delayMillis}.
     */
    public static LossyUdpRelay start(int targetPort, double dropShare, long delayMillis) {
        try {
            return new LossyUdpRelay(targetPort, dropShare, delayMillis, 16);
        } catch (IOException e) {
            throw new PeerException("cannot start the lossy UDP relay", e);
        }
    }

    /** Where the publisher sends (on 127.0.0.1). */
    public int port() {
        try {
            return ((InetSocketAddress) front.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new PeerException("lossy UDP relay has no address", e);
        }
    }

    /** Publisher datagrams passed on so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Publisher datagrams dropped so far. */
    public long dropped() {
        return dropped.get();
    }

    private void upstream() {
        ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            try {
                in.clear();
                publisher = front.receive(in);
                in.flip();
                if (random.nextDouble() < dropShare) {
                    dropped.incrementAndGet();
                    continue;
                }
                ByteBuffer copy = ByteBuffer.allocate(in.remaining()).put(in).flip();
                forwarded.incrementAndGet();
                delayer.schedule(() -> send(back, copy, null), delayMillis, TimeUnit.MILLISECONDS);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void downstream() {
        ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            try {
                in.clear();
                back.receive(in);
                in.flip();
                SocketAddress to = publisher;
                if (to != null) {
                    send(front, in, to);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Nothing listens at the target (yet): ICMP port unreachable surfaces here. Keep relaying.
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void send(DatagramChannel channel, ByteBuffer datagram, SocketAddress to) {
        try {
            if (to == null) {
                channel.write(datagram);
            } else {
                channel.send(datagram, to);
            }
        } catch (IOException e) {
            // A datagram lost on the way is what this relay is for; the peers recover or not by themselves.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        delayer.shutdownNow();
        try {
            front.close();
            back.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
