package dev.castrelay.rtmp.session;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;

import java.util.function.Consumer;

/**
 * The last handler of every RTMP pipeline: a protocol violation, a limit, an idle peer or an I/O error closes
 * this one connection and is reported once, as a sentence, to whoever owns the connection.
 */
public final class ConnectionGuard extends ChannelDuplexHandler {

    private final long idleTimeoutMillis;
    private final Consumer<String> onProblem;
    private boolean reported;

    /** @param onProblem hears one line per closed connection (logging, a target's lastError) */
    public ConnectionGuard(long idleTimeoutMillis, Consumer<String> onProblem) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.onProblem = onProblem;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report(describe(cause));
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            report("no data for " + idleTimeoutMillis + " ms");
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void report(String problem) {
        if (!reported) {
            reported = true;
            onProblem.accept(problem);
        }
    }

    /** The innermost message that says something, without the stack trace. */
    public static String describe(Throwable cause) {
        Throwable t = cause;
        while ((t instanceof DecoderException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
