package dev.castrelay.ingest;

import dev.castrelay.config.RtmpLimitsConfig;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.session.PublishPolicy;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
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

    /** The smallest read call: a handshake or a command. */
    private static final int READ_BUFFER_MIN_BYTES = 4096;
    /** A first guess that holds a handshake (1537 bytes) and a batch of commands. */
    private static final int READ_BUFFER_INITIAL_BYTES = 16 * 1024;

    private final Channel channel;
    /** Every open ingest connection, so closing the server also ends them. */
    private final ChannelGroup connections;

    private IngestServer(Channel channel, ChannelGroup connections) {
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * @param limits the protocol's limits
     * @param reads  how connections are read and admitted: {@code readIntervalMs}, {@code readBufferBytes},
     *               {@code receiveBufferBytes}, {@code publishTimeoutMs} and the unauthenticated caps of
     *               {@code ingest.limits}
     */
    public static IngestServer bind(InetSocketAddress address, RtmpLimits limits, RtmpLimitsConfig reads,
                                    PublishPolicy policy, EventLoopGroup boss, EventLoopGroup workers)
            throws InterruptedException {
        ChannelGroup connections = new DefaultChannelGroup("ingest", GlobalEventExecutor.INSTANCE);
        IngestGate gate = new IngestGate(reads.maxUnauthenticated(), reads.maxUnauthenticatedPerAddress(),
                reads.publishTimeoutMs());
        RtmpServerInitializer rtmp = new RtmpServerInitializer(limits, policy);
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(Transport.serverChannel(boss))
                .option(ChannelOption.SO_BACKLOG, 64)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // the ReadPacer asks for each read
                // Each read call sized to what the last ones found waiting, up to readBufferBytes.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(
                        READ_BUFFER_MIN_BYTES, READ_BUFFER_INITIAL_BYTES, reads.readBufferBytes()));
        if (reads.receiveBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_RCVBUF, reads.receiveBufferBytes());
        }
        Channel ch;
        try {
            ch = bootstrap.childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        connections.add(c);
                        c.pipeline().addLast("gate", gate.newHandler());
                        c.pipeline().addLast("pacer", new ReadPacer(reads.readIntervalMs()));
                        c.pipeline().addLast(rtmp);
                    }
                })
                .bind(address).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the socket's IOException unchecked-style
            // Netty's "bind(..) failed: Address already in use" names neither the address nor which listener.
            throw new IngestException("ingest.listen " + address.getHostString() + ":" + address.getPort()
                    + " cannot be used: " + e.getMessage() + " (is another relay or RTMP server running there?)", e);
        }
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
