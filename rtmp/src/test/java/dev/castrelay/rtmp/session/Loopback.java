package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.RtmpUrl;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty RTMP server on 127.0.0.1 (the production {@link RtmpServerInitializer}) and real clients
 * ({@link RtmpClientInitializer}), on one small event loop group.
 */
public final class Loopback implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private Channel server;
    public final List<String> clientProblems = new CopyOnWriteArrayList<>();

    /** Starts the server and returns its port. */
    public int startServer(PublishPolicy policy) throws InterruptedException {
        return startServer(policy, null);
    }

    /** Starts the server with {@code first} (say, a byte recorder) in front of the production pipeline. */
    public int startServer(PublishPolicy policy, ChannelHandler first) throws InterruptedException {
        RtmpServerInitializer initializer = new RtmpServerInitializer(RtmpLimits.DEFAULT, policy);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(first == null ? initializer : new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(first, initializer); // the initializer appends after itself
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connects a publishing client; its handshake and connect start on their own. */
    public ClientSession connect(RtmpUrl url, ClientSession.Listener listener) throws InterruptedException {
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new RtmpClientInitializer(url, RtmpLimits.DEFAULT, null, listener, clientProblems::add))
                .connect(url.host(), url.port()).sync().channel();
        return ch.pipeline().get(ClientSession.class);
    }

    /** Runs on the event loop and waits: sessions live there. */
    public void onLoop(Runnable r) throws Exception {
        group.submit(r).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
