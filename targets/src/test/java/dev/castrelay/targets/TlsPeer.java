package dev.castrelay.targets;

import dev.castrelay.testkit.TestCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A TLS server on 127.0.0.1 with a test certificate, and a client that handshakes with it the pusher's way. */
final class TlsPeer implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;

    TlsPeer(TestCertificates certificates) throws Exception {
        SslContext context = SslContextBuilder.forServer(certificates.certificateFile().toFile(),
                certificates.keyFile().toFile()).build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Connects to 127.0.0.1 but verifies the certificate for {@code host} (also the SNI name), as the pusher does,
     * and returns why the handshake failed, or null when it succeeded.
     */
    Throwable handshake(TlsContexts tls, String host, String caFile) throws Exception {
        SslHandler[] handler = new SslHandler[1];
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        handler[0] = tls.newHandler(ch, host, port(), caFile);
                        ch.pipeline().addLast(handler[0]);
                    }
                }).connect("127.0.0.1", port()).sync().channel();
        try {
            Future<Channel> done = handler[0].handshakeFuture();
            if (!done.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("TLS handshake did not finish within 10 s");
            }
            return done.cause();
        } finally {
            ch.close().sync();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
