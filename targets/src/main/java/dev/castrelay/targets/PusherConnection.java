package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.session.ClientSession;
import dev.castrelay.rtmp.session.RtmpClientInitializer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import java.util.concurrent.TimeUnit;

/**
 * One attempt at a target's connection: the RTMP(S) client bootstrap and the handlers that report to its pusher,
 * and what is known about the attempt (the facts its close is judged by). Callbacks from an older attempt are told
 * apart by identity: the pusher ignores any that is not its current connection.
 *
 * <p>Owned by the pusher's event loop.
 */
final class PusherConnection implements ClientSession.Listener {

    /** What the pusher hears from its connection, on its loop. */
    interface Events {
        void published(PusherConnection conn, ClientSession session);

        void writable(PusherConnection conn);

        void closed(PusherConnection conn);

        /** Whether {@code conn} is still the pusher's current attempt. */
        boolean isCurrent(PusherConnection conn);
    }

    /**
     * The socket's send buffer (Linux doubles it). Left to autotuning, a fast path grows it to 4 MB: half a minute
     * of a 1 Mb/s stream that a stalled platform could hide in the kernel, where lag cannot be seen nor GOPs be
     * dropped. 512 KB in flight still carries 40 Mb/s over a 100 ms round trip.
     */
    private static final int SEND_BUFFER_BYTES = 256 * 1024;

    Channel channel;
    /** The protocol session, known from the moment the pipeline exists; {@link #session} once publishing. */
    ClientSession protocol;
    ClientSession session;
    SendProgress progress;
    String problem;
    /** The platform's own words refusing connect or publish (onStatus error, _error). */
    String rejection;
    /** We are ending it on purpose. */
    boolean unpublishing;
    /** We cut it: the platform accepted nothing for too long. */
    boolean stalled;
    long liveSinceNanos;
    /** The newest packet queued when the publish started: sent as a catch-up, not counted as lag. */
    long joinTimestamp = Long.MIN_VALUE;
    /** RTMP bytes written so far (handshake included), to match the platform's acknowledgements against. */
    long wireBytes;

    private final Events events;

    PusherConnection(Events events) {
        this.events = events;
    }

    /** Connects to {@code url} and publishes; the attempt's outcome comes to its events, ending with a close. */
    void open(RtmpUrl url, TargetSpec spec, PusherSettings settings, TlsContexts tls, EventLoop loop,
              long connectTimeoutMillis) {
        PusherConnection conn = this;
        Bootstrap b = new Bootstrap().group(loop).channel(Transport.socketChannel(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                // Past the high mark the channel reports unwritable and packets wait in our queue, where whole
                // GOPs can be dropped; Netty's own outbound buffer can only grow.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .option(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES)
                .handler(new RtmpClientInitializer(url, settings.limits(),
                        url.tls() ? ch -> tls.newHandler(ch, url.host(), url.port(), spec.caFile()) : null,
                        this, text -> problem(ConnectionErrors.mask(text, url))));
        ChannelFuture f = b.connect(url.host(), url.port());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                conn.problem(ConnectionErrors.describe(done.cause(), url));
                return; // the close future below reports it
            }
            conn.addHandlers(url);
            // A platform that takes the connection but never accepts the publish must not hold the target.
            long answerMillis = settings.limits().handshakeTimeoutMillis();
            loop.schedule(() -> {
                if (events.isCurrent(conn) && conn.session == null && conn.channel.isActive()) {
                    conn.problem(url.address() + " did not accept the publish within " + answerMillis + " ms");
                    conn.channel.close();
                }
            }, answerMillis, TimeUnit.MILLISECONDS);
        });
        channel.closeFuture().addListener(closed -> events.closed(conn));
    }

    private void addHandlers(RtmpUrl url) {
        protocol = channel.pipeline().get(ClientSession.class);
        // Below the RTMP handlers and above TLS: counts the bytes the platform's acknowledgements count.
        channel.pipeline().addBefore("handshake", "wireBytes", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof ByteBuf buf) {
                    wireBytes += buf.readableBytes();
                }
                ctx.write(msg, promise);
            }
        });
        // Before the guard, which would swallow the exception and keep only its innermost message.
        channel.pipeline().addBefore("guard", "pusher", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    events.writable(PusherConnection.this);
                }
                ctx.fireChannelWritabilityChanged();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                problem(ConnectionErrors.describe(cause, url));
                ctx.fireExceptionCaught(cause);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                // A certificate refused while verifying comes as this event, not as an exception.
                if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
                    problem(ConnectionErrors.describe(tls.cause(), url));
                }
                ctx.fireUserEventTriggered(evt);
            }
        });
    }

    /** Publishing: the platform said NetStream.Publish.Start. */
    boolean isLive() {
        return session != null && session.isPublishing();
    }

    /** Still the pusher's current attempt (not one it has replaced or hung up). */
    boolean isCurrent() {
        return events.isCurrent(this);
    }

    /** The first explanation wins: the exception itself says more than the guard's summary of it. */
    void problem(String text) {
        if (problem == null) {
            problem = text;
        }
    }

    @Override
    public void onPublishing(ClientSession s) {
        if (events.isCurrent(this)) {
            events.published(this, s);
        }
    }

    @Override
    public void onRejected(ClientSession s, String description) {
        rejection = description;
    }

    @Override
    public void onAcknowledged(ClientSession s, long sequenceNumber) {
        if (events.isCurrent(this) && progress != null) {
            progress.acknowledged(sequenceNumber, System.nanoTime());
        }
    }
}
