package dev.castrelay.rtmp;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Which Netty transport the relay's sockets use: Linux's native epoll where its library loads, the JDK's NIO
 * anywhere else. Native epoll writes straight from Netty's buffers with no JDK channel locks or selector
 * bookkeeping in between, which is most of a passthrough relay's per-packet cost besides the kernel's own.
 * {@code -Dcastrelay.transport=nio} forces NIO (to compare, or to step around a native problem).
 */
public final class Transport {

    private static final boolean EPOLL = !"nio".equals(System.getProperty("castrelay.transport"))
            && Epoll.isAvailable();

    private Transport() {
    }

    /** Daemon event loops named {@code name-N-M}. */
    public static EventLoopGroup newGroup(int threads, String name) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory(name, true);
        return EPOLL ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    /** The client socket class that runs on {@code group}'s loops (which may be a caller's own NIO group). */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The server socket class that runs on {@code group}'s loops. */
    public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    private static boolean isEpoll(EventLoopGroup group) {
        // A single loop answers for its group; next() would also advance the group's round robin.
        EventLoopGroup owner = group instanceof EventLoop loop ? loop.parent() : group;
        return owner instanceof EpollEventLoopGroup;
    }
}
