package dev.castrelay.relay.ingest;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.session.PublishPolicy;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;

/** The RTMP ingest listener: binds, and hands each connection to the RTMP server pipeline. */
public final class IngestServer implements AutoCloseable {

    private final Channel channel;
    /** Every open ingest connection, so closing the server also ends them. */
    private final ChannelGroup connections;

    private IngestServer(Channel channel, ChannelGroup connections) {
        this.channel = channel;
        this.connections = connections;
    }

    public static IngestServer bind(InetSocketAddress address, RtmpLimits limits, PublishPolicy policy,
                                    EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
        ChannelGroup connections = new DefaultChannelGroup("ingest", GlobalEventExecutor.INSTANCE);
        RtmpServerInitializer rtmp = new RtmpServerInitializer(limits, policy);
        Channel ch = new ServerBootstrap().group(boss, workers).channel(Transport.serverChannel(boss))
                .option(ChannelOption.SO_BACKLOG, 64)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // the ReadPacer asks for each read
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        connections.add(c);
                        c.pipeline().addLast("pacer", new ReadPacer(ReadPacer.DEFAULT_INTERVAL_MILLIS));
                        c.pipeline().addLast(rtmp);
                    }
                })
                .bind(address).sync().channel();
        return new IngestServer(ch, connections);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
