package dev.castrelay.relay.alerts;

import dev.castrelay.rtmp.Transport;
import dev.castrelay.targets.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * One POST to a webhook, on the alerts loop: a new connection per alert (they are rare, and a kept-alive
 * connection to an endpoint that went away is one more way to fail), TLS for {@code https://} with the system
 * trust store plus the endpoint's CA file (as {@code rtmps://}: {@link TlsContexts}), and one deadline for the
 * whole exchange. The answer is its status code; anything else fails with a message for people that names the
 * host and port, never the URL's path (it may hold a token).
 */
final class WebhookClient {

    /** A webhook's answer is a few bytes ("ok"); the status is all that counts. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final EventLoop loop;
    private final TlsContexts tls;

    WebhookClient(EventLoop loop, TlsContexts tls) {
        this.loop = loop;
        this.tls = tls;
    }

    /** The status code the endpoint answered, or a failure saying why there was none. */
    Future<Integer> post(URI uri, String caFile, String json, long timeoutMillis) {
        Promise<Integer> result = loop.newPromise();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        String where = uri.getHost() + ":" + port;
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(Transport.socketChannel(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (https) {
                            ch.pipeline().addLast(tls.newHandler(ch, host, port, caFile));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                                new Answer(result, where));
                    }
                });
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(host, port);
        } catch (RuntimeException e) {
            result.tryFailure(new WebhookException("cannot connect to " + where + ": " + e.getMessage()));
            return result;
        }
        Channel ch = connect.channel();
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            result.tryFailure(new WebhookException("no answer from " + where + " within " + timeoutMillis + " ms"));
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(f -> {
            deadline.cancel(false);
            ch.close();
        });
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(new WebhookException(describe(f.cause(), where)));
                return;
            }
            ch.writeAndFlush(request(uri, json, port, https)).addListener(w -> {
                if (!w.isSuccess()) {
                    result.tryFailure(new WebhookException(describe(w.cause(), where)));
                }
            });
        });
        return result;
    }

    private static FullHttpRequest request(URI uri, String json, int port, boolean https) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(body));
        boolean defaultPort = port == (https ? 443 : 80);
        req.headers().set(HttpHeaderNames.HOST, uri.getHost() + (defaultPort ? "" : ":" + port))
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.USER_AGENT, "castrelay")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (uri.getRawUserInfo() != null) {
            // https://user:password@host/...: basic authentication, as curl does with such a URL.
            String userInfo = java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            req.headers().set(HttpHeaderNames.AUTHORIZATION, "Basic "
                    + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return req;
    }

    /** A cause as people read it, naming the host and port only. */
    static String describe(Throwable cause, String where) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ConnectException) {
            return "connection refused by " + where;
        }
        if (c instanceof io.netty.channel.ConnectTimeoutException) {
            return "no connection to " + where + " in time";
        }
        if (c instanceof UnknownHostException) {
            return "unknown host " + where;
        }
        if (c instanceof SSLException) {
            return "TLS with " + where + " failed: " + rootMessage(c);
        }
        return "delivery to " + where + " failed: " + rootMessage(c);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Takes the answer's status; a close or an error before it fails the delivery. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final Promise<Integer> result;
        private final String where;

        Answer(Promise<Integer> result, String where) {
            this.result = result;
            this.where = where;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            result.trySuccess(response.status().code());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.tryFailure(new WebhookException(where + " closed the connection without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.tryFailure(new WebhookException(describe(cause, where)));
            ctx.close();
        }
    }

    /** Why a delivery got no answer; the message is for people and holds no URL path. */
    static final class WebhookException extends Exception {
        WebhookException(String message) {
            super(message, null, false, false);
        }
    }
}
