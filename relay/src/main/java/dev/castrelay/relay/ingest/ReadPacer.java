package dev.castrelay.relay.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Reads an ingest connection at most once per interval instead of whenever a packet arrives (SRS calls this
 * "merged read"). An encoder writes every audio and video frame on its own, about 80 times a second; read one by
 * one, each wakes the relay, runs the whole pipeline and ends in a write to every target. Read in batches, the
 * same packets cost one wake-up, one read and one write per target per interval, for the price of that interval
 * in latency, which platforms (buffering seconds) never notice. The kernel holds what arrives meanwhile (at
 * 20 Mb/s a 100 ms interval is 250 KB; Linux grows a receive buffer that an application drains in full to
 * several MB).
 *
 * <p>Needs {@code AUTO_READ} off; it asks for every read itself. Lives on the connection's event loop.
 */
public final class ReadPacer extends ChannelDuplexHandler {

    /** A tenth of a second: a small share of any platform's buffering, ten wake-ups a second at any bitrate. */
    public static final long DEFAULT_INTERVAL_MILLIS = 100;
    /**
     * The RTMP handshake (3 KB) and the publish commands come before this many bytes and are read at once, so
     * their round trips cost no pacing; media comes after.
     */
    static final long EAGER_BYTES = 16 * 1024;

    private final long intervalNanos;
    private long received;
    private long lastReadNanos;
    private ScheduledFuture<?> pending;

    public ReadPacer(long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("read interval " + intervalMillis + " ms is negative");
        }
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readNow(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            received += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        long wait = lastReadNanos + intervalNanos - System.nanoTime();
        if (wait <= 0 || received < EAGER_BYTES) {
            readNow(ctx);
        } else if (pending == null) {
            pending = ctx.executor().schedule(() -> {
                pending = null;
                readNow(ctx);
            }, wait, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Reads asked for above (a decoder holding half a message asks for more when {@code AUTO_READ} is off) are
     * already on their way: every batch ends by scheduling the next read.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        ctx.fireChannelInactive();
    }

    private void readNow(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            lastReadNanos = System.nanoTime();
            ctx.read();
        }
    }
}
