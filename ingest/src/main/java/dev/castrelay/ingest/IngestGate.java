package dev.castrelay.ingest;

import dev.castrelay.rtmp.WarningSummary;
import dev.castrelay.rtmp.session.PublishAccepted;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the ingest connections that have not had a publish accepted yet, which have shown no key: at most
 * {@code perAddress} from one address and {@code total} in all, and each for at most {@code deadlineMillis} (a peer
 * that dribbles its handshake or never publishes is closed). Past a cap the oldest waiting connection (from that
 * address, or of all) is closed to make room, so a new connection always gets in: the encoder with the right key
 * publishes within a few round trips, however many strangers wait, even behind the same address.
 * Hostile connections then cost the relay a bounded number of small buffers, and their warnings are summarised.
 *
 * <p>Shared by all ingest connections, on every event loop: its books are synchronized.
 */
final class IngestGate {

    private static final Logger log = LoggerFactory.getLogger(IngestGate.class);

    private final int total;
    private final int perAddress;
    private final long deadlineMillis;
    /** Connections waiting for their publish, oldest first. */
    private final LinkedHashMap<Channel, InetAddress> waiting = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private final WarningSummary refused = new WarningSummary(log, "refused ingest connections", 60, TimeUnit.SECONDS);

    IngestGate(int total, int perAddress, long deadlineMillis) {
        this.total = total;
        this.perAddress = perAddress;
        this.deadlineMillis = deadlineMillis;
    }

    /** The handler for one new connection; first in its pipeline. */
    ChannelInboundHandlerAdapter newHandler() {
        return new Handler();
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            InetAddress address = ((InetSocketAddress) ch.remoteAddress()).getAddress();
            Channel evicted;
            synchronized (IngestGate.this) {
                evicted = byAddress.getOrDefault(address, 0) >= perAddress ? oldestFrom(address)
                        : waiting.size() >= total ? waiting.keySet().iterator().next() : null;
                if (evicted != null) {
                    release(evicted);
                }
                waiting.put(ch, address);
                byAddress.merge(address, 1, Integer::sum);
            }
            if (evicted != null) {
                refused.warn("ingest connection from {} closed to make room for a new one: too many connections "
                        + "waiting to publish ({} from one address, {} in all, at most)", evicted.remoteAddress(),
                        perAddress, total);
                evicted.close();
            }
            deadline = ctx.executor().schedule(() -> {
                if (isWaiting(ch)) {
                    refused.warn("ingest connection from {} closed: no publish accepted within {} ms",
                            ch.remoteAddress(), deadlineMillis);
                    ch.close();
                }
            }, deadlineMillis, TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == PublishAccepted.INSTANCE) {
                admitted(ctx.channel());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            admitted(ctx.channel());
            super.channelInactive(ctx);
        }

        private void admitted(Channel ch) {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            synchronized (IngestGate.this) {
                release(ch);
            }
        }
    }

    /** The longest-waiting connection from {@code address}; the caller holds the lock. */
    private Channel oldestFrom(InetAddress address) {
        for (Map.Entry<Channel, InetAddress> e : waiting.entrySet()) {
            if (e.getValue().equals(address)) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no waiting connection from " + address + " though it is counted");
    }

    private synchronized boolean isWaiting(Channel ch) {
        return waiting.containsKey(ch);
    }

    /** Takes a connection off the books; the caller holds the lock. */
    private void release(Channel ch) {
        InetAddress address = waiting.remove(ch);
        if (address != null) {
            byAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }
}
