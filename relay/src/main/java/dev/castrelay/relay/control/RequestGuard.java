package dev.castrelay.relay.control;

import dev.castrelay.rtmp.WarningSummary;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Stands between the HTTP decoder and everything that does work: a request must arrive whole within a deadline
 * (a client dribbling its headers a byte at a time holds nothing for long), and a request for a protected path
 * without the right token is answered 401 as soon as its headers are read, before any of its body is gathered,
 * and the connection closed so the body is never read.
 *
 * <p>One per connection, on its event loop.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {

    private final BearerToken token;
    private final long deadlineMillis;
    private final WarningSummary slow;
    private ScheduledFuture<?> deadline;
    /** The current request was refused: its remaining content is dropped. */
    private boolean refused;

    RequestGuard(BearerToken token, long deadlineMillis, WarningSummary slow) {
        this.token = token;
        this.deadlineMillis = deadlineMillis;
        this.slow = slow;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startDeadline(ctx); // the first request's bytes are due from the moment of connecting
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            startDeadline(ctx);
            String path = new QueryStringDecoder(req.uri()).path();
            String problem = req.decoderResult().isSuccess() && token.protects(path) ? token.problem(req) : null;
            if (problem != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                unauthorized(ctx, problem);
                return;
            }
            refused = false;
        }
        if (msg instanceof LastHttpContent) {
            cancelDeadline();
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    private void startDeadline(ChannelHandlerContext ctx) {
        if (deadline != null) {
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            slow.warn("control connection from {} closed: no whole request within {} ms", ctx.channel().remoteAddress(),
                    deadlineMillis);
            ctx.close();
        }, deadlineMillis, TimeUnit.MILLISECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static void unauthorized(ChannelHandlerContext ctx, String detail) {
        String body = ControlHandler.JSON.createObjectNode().put("error", "unauthorized").put("detail", detail)
                .toString();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"castrelay\"");
        HttpUtil.setContentLength(res, res.content().readableBytes());
        HttpUtil.setKeepAlive(res, false);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
