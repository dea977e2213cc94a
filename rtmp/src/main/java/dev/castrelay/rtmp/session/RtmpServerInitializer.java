package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.WarningSummary;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.handshake.ServerHandshakeHandler;
import dev.castrelay.rtmp.message.MessageCodec;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/** Builds the pipeline of an accepted RTMP connection, and nothing else. */
public final class RtmpServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger log = LoggerFactory.getLogger(RtmpServerInitializer.class);

    private final RtmpLimits limits;
    private final PublishPolicy policy;
    /** A flood of broken connections leaves a line and a count, not a line each. */
    private final WarningSummary problems = new WarningSummary(log, "closed ingest connections", 60, TimeUnit.SECONDS);

    public RtmpServerInitializer(RtmpLimits limits, PublishPolicy policy) {
        this.limits = limits;
        this.policy = policy;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(limits.idleTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("handshake", new ServerHandshakeHandler(limits.handshakeTimeoutMillis()));
        p.addLast("chunkDecoder", new ChunkDecoder(limits.chunk()));
        p.addLast("chunkEncoder", new ChunkEncoder());
        p.addLast("messageCodec", MessageCodec.INSTANCE);
        p.addLast("session", new ServerSession(policy));
        p.addLast("guard", new ConnectionGuard(limits.idleTimeoutMillis(),
                problem -> problems.warn("ingest connection from {} closed: {}", ch.remoteAddress(), problem)));
    }
}
