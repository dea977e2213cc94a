package dev.castrelay.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Reads an ingest connection in batches, one per interval, instead of whenever a packet arrives (SRS calls this
 * "merged read"). An encoder writes every audio and video frame on its own, about 80 times a second; read one by
 * one, each wakes the relay, runs the whole pipeline and ends in a write to every target. Read in batches, the
 * same packets cost one wake-up and one write per target per interval, for the price of that interval in latency,
 * which platforms (buffering seconds) never notice. The kernel holds what arrives meanwhile (at 50 Mb/s a 100 ms
 * interval is 625 KB; Linux grows the receive buffer of an application that drains it in full to megabytes).
 *
 * <p>A batch reads <em>everything</em> that has arrived: with {@code AUTO_READ} off, Netty's {@code read()} makes
 * a single read call of one receive buffer, so a batch goes on reading as long as the last call filled its buffer
 * (the kernel had more). A batch of a single call would cap the ingest at one buffer per interval (64 KB every
 * 100 ms is 5 Mb/s) and back a faster encoder up. Each further call is a task of the event loop, so other
 * connections on it are served in between.
 *
 * <p>Needs {@code AUTO_READ} off; it asks for every read itself. Lives on the connection's event loop.
 */
public final class ReadPacer extends ChannelDuplexHandler {

    /**
     * The RTMP handshake (3 KB) and the publish commands come before this many bytes and are read at once, so
     * their round trips cost no pacing; media comes after.
     */
    static final long EAGER_BYTES = 16 * 1024;

    private final long intervalNanos;
    private long received;
    private long lastBatchNanos;
    /** The last read call filled its buffer: the kernel may hold more of this batch. */
    private boolean filled;
    private ScheduledFuture<?> pending;

    public ReadPacer(long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("read interval " + intervalMillis + " ms is negative");
        }
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startBatch(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            received += buf.readableBytes();
            // Netty reads into the buffer's writable space; a call that used all of it may have left more behind.
            filled = !buf.isWritable();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        if (filled) {
            filled = false;
            readMore(ctx);
            return;
        }
        long wait = lastBatchNanos + intervalNanos - System.nanoTime();
        if (wait <= 0 || received < EAGER_BYTES) {
            startBatch(ctx);
        } else if (pending == null) {
            pending = ctx.executor().schedule(() -> {
                pending = null;
                startBatch(ctx);
            }, wait, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Reads asked for above (a decoder holding half a message asks for more when {@code AUTO_READ} is off) are
     * already on their way: every batch ends by scheduling the next one.
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

    private void startBatch(ChannelHandlerContext ctx) {
        lastBatchNanos = System.nanoTime();
        readMore(ctx);
    }

    private void readMore(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            ctx.read();
        }
    }
}
