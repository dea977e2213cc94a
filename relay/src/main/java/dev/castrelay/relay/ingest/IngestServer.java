package dev.castrelay.relay.ingest;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.session.PublishPolicy;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;

/** The RTMP ingest listener: binds, and hands each connection to the RTMP server pipeline. */
public final class IngestServer implements AutoCloseable {

    private final Channel channel;

    private IngestServer(Channel channel) {
        this.channel = channel;
    }

    public static IngestServer bind(InetSocketAddress address, RtmpLimits limits, PublishPolicy policy,
                                    EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
        Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new RtmpServerInitializer(limits, policy))
                .bind(address).sync().channel();
        return new IngestServer(ch);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
