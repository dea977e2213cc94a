package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.handshake.ClientHandshakeHandler;
import dev.castrelay.rtmp.message.MessageCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds the pipeline of an outgoing publishing connection, and nothing else. TLS, when wanted, is a handler the
 * caller makes (trust and SNI are its policy).
 */
public final class RtmpClientInitializer extends ChannelInitializer<SocketChannel> {

    private final RtmpUrl url;
    private final RtmpLimits limits;
    private final Function<SocketChannel, ChannelHandler> tls;
    private final ClientSession.Listener listener;
    private final Consumer<String> onProblem;

    /**
     * @param tls       makes the TLS handler for {@code rtmps://}, or null for plain RTMP
     * @param onProblem hears why the connection closed on an error, once
     */
    public RtmpClientInitializer(RtmpUrl url, RtmpLimits limits, Function<SocketChannel, ChannelHandler> tls,
                                 ClientSession.Listener listener, Consumer<String> onProblem) {
        this.url = url;
        this.limits = limits;
        this.tls = tls;
        this.listener = listener;
        this.onProblem = onProblem;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.apply(ch));
        }
        // No read-idle timeout here: a platform may legitimately say nothing to a publisher for minutes; the
        // pusher watches its own queue for stalls instead.
        p.addLast("handshake", new ClientHandshakeHandler(limits.handshakeTimeoutMillis()));
        p.addLast("chunkDecoder", new ChunkDecoder(limits.chunk()));
        p.addLast("chunkEncoder", new ChunkEncoder());
        p.addLast("messageCodec", MessageCodec.INSTANCE);
        p.addLast("session", new ClientSession(url, listener));
        p.addLast("guard", new ConnectionGuard(limits.idleTimeoutMillis(), onProblem));
    }
}
