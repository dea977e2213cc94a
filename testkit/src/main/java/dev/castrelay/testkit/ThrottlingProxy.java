package dev.castrelay.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A slow link in user space, on loopback: a TCP proxy that forwards what clients send to {@code target} at no more
 * than {@code bytesPerSecond} (the way back is not limited), as a venue's or a platform's thin uplink would.
 * {@code tc netem} is not available here; this is the same idea one layer up. Close it to end every connection.
 */
public final class ThrottlingProxy implements AutoCloseable {

    /** Forwarded in pieces this big, each after its share of the rate: smooth at any rate above a few kB/s. */
    private static final int PIECE = 4096;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long bytesPerSecond;
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private ThrottlingProxy(InetSocketAddress target, long bytesPerSecond) throws IOException {
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.target = target;
        this.bytesPerSecond = bytesPerSecond;
        this.acceptor = new Thread(this::accept, "throttling-proxy");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort} carrying {@code bitsPerSecond} towards it. */
    public static ThrottlingProxy start(int targetPort, long bitsPerSecond) {
        try {
            return new ThrottlingProxy(new InetSocketAddress("127.0.0.1", targetPort), bitsPerSecond / 8);
        } catch (IOException e) {
            throw new PeerException("cannot start the throttling proxy", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pump(client, upstream, bytesPerSecond, "throttled-up");
                pump(upstream, client, 0, "throttled-down");
            } catch (IOException e) {
                if (!closed) {
                    continue; // the target refused: that client's connection just ends
                }
                return;
            }
        }
    }

    /** Copies {@code from} to {@code to}, at most {@code rate} bytes a second (0: as fast as it comes). */
    private static void pump(Socket from, Socket to, long rate, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[PIECE];
            long start = System.nanoTime();
            long sent = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (rate > 0) {
                        long due = start + sent * 1_000_000_000L / rate;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    out.write(buf, 0, n);
                    sent += n;
                }
            } catch (IOException | InterruptedException e) {
                // one side went away: end both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (sockets) {
            sockets.forEach(ThrottlingProxy::closeQuietly);
        }
    }
}
