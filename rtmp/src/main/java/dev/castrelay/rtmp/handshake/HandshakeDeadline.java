package dev.castrelay.rtmp.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The time a peer has to complete the handshake: when it passes, the handler's pipeline hears why and the
 * connection closes. Lives on the connection's event loop, like the handler that owns it.
 */
final class HandshakeDeadline {

    private final long millis;
    private ScheduledFuture<?> timer;

    HandshakeDeadline(long millis) {
        this.millis = millis;
    }

    /** Starts the clock; {@code what} completes "... within N ms" (who failed to do what). */
    void start(ChannelHandlerContext ctx, String what) {
        timer = ctx.executor().schedule(() -> {
            ctx.fireExceptionCaught(new HandshakeException(what + " within " + millis + " ms"));
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** The handshake is over (done or abandoned): the clock stops. */
    void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
