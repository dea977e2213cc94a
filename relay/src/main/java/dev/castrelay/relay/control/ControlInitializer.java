package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import dev.castrelay.rtmp.WarningSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds a control connection's pipeline: HTTP codec, idle timeout, bounded body aggregation, the handler. */
final class ControlInitializer extends ChannelInitializer<SocketChannel> {

    /**
     * Limits on what a client may send; each answered with the numbers when exceeded.
     *
     * @param requestMillis  a request must arrive whole within this of its first byte (or of the connection)
     * @param maxConnections open control connections at once; the excess is closed at accept
     */
    record Limits(int maxInitialLine, int maxHeaderBytes, int maxBodyBytes, int idleSeconds, long requestMillis,
                  int maxConnections) {
        static final Limits DEFAULT = new Limits(4096, 8192, 64 * 1024, 60, 10_000, 64);
    }

    private static final Logger log = LoggerFactory.getLogger(ControlInitializer.class);

    private final Limits limits;
    private final BearerToken token;
    private final ControlHandler handler;
    /** Open connections, across the control loop (one thread, but counted where it is read). */
    private final AtomicInteger open = new AtomicInteger();
    private final WarningSummary refused = new WarningSummary(log, "refused control connections", 60, TimeUnit.SECONDS);

    ControlInitializer(Limits limits, BearerToken token, ControlHandler handler) {
        this.limits = limits;
        this.token = token;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            refused.warn("control connection from {} refused: {} are open, the maximum", ch.remoteAddress(),
                    limits.maxConnections());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        p.addLast("http", new HttpServerCodec(limits.maxInitialLine(), limits.maxHeaderBytes(), 8192));
        p.addLast("guard", new RequestGuard(token, limits.requestMillis(), refused));
        // An event stream writes every second, so only a connection doing nothing either way is closed.
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleSeconds(), TimeUnit.SECONDS));
        p.addLast("close-idle", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof IdleStateEvent) {
                    ctx.close();
                }
                super.userEventTriggered(ctx, evt);
            }
        });
        p.addLast("aggregate", new BoundedAggregator(limits.maxBodyBytes()));
        p.addLast("api", handler);
    }

    /** Netty's aggregator, answering an oversized body with the API's JSON error rather than an empty 413. */
    private static final class BoundedAggregator extends HttpObjectAggregator {

        BoundedAggregator(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            long length = HttpUtil.getContentLength(oversized, -1L);
            ObjectNode body = ControlHandler.JSON.createObjectNode().put("error", "request body too large")
                    .put("detail", (length >= 0 ? "a body of " + length + " bytes exceeds" : "the body exceeds")
                            + " the maximum of " + maxContentLength() + " bytes");
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(res, res.content().readableBytes());
            // As Netty does: when the body is still coming on a keep-alive connection, answer and let the
            // aggregator discard the rest, so the client reads the answer instead of a reset.
            boolean close = oversized instanceof FullHttpMessage
                    || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
            HttpUtil.setKeepAlive(res, !close);
            ctx.writeAndFlush(res).addListener(close ? ChannelFutureListener.CLOSE
                    : ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
