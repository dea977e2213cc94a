package dev.castrelay.relay.transcode;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.ClientSession;
import dev.castrelay.rtmp.session.RtmpClientInitializer;
import dev.castrelay.testkit.FlvFile;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A publisher that is our own RTMP client ({@link ClientSession}) replaying FLV tags in real time: tag {@code i} is
 * sent when {@code timestamp(i) - timestamp(0)} has passed since publishing started, as an encoder would send it.
 * Lets a test send exactly the bytes it wants, corrupt ones included. Everything runs on one event loop.
 */
public final class ReplayPublisher implements AutoCloseable {

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<FlvFile.Tag> tags;
    private final TagSent onSent;
    private ClientSession session;
    private long startNanos;
    private int next;

    /** Hears each tag's send, with {@link System#nanoTime()} just after it was written to the socket. */
    public interface TagSent {
        void sent(FlvFile.Tag tag, long nanoTime);
    }

    private ReplayPublisher(List<FlvFile.Tag> tags, TagSent onSent) {
        this.tags = List.copyOf(tags);
        this.onSent = onSent;
    }

    /** Connects, publishes, and replays {@code tags} in real time; {@link #finished()} completes after unpublish. */
    public static ReplayPublisher start(String url, List<FlvFile.Tag> tags, TagSent onSent) {
        ReplayPublisher p = new ReplayPublisher(tags, onSent);
        p.connect(RtmpUrl.parse(url));
        return p;
    }

    public static ReplayPublisher start(String url, List<FlvFile.Tag> tags) {
        return start(url, tags, (tag, nanos) -> { });
    }

    private void connect(RtmpUrl url) {
        ClientSession.Listener listener = new ClientSession.Listener() {
            @Override
            public void onPublishing(ClientSession s) {
                session = s;
                startNanos = System.nanoTime();
                sendDue();
            }

            @Override
            public void onRejected(ClientSession s, String description) {
                done.completeExceptionally(new IllegalStateException("publish refused: " + description));
            }
        };
        new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new RtmpClientInitializer(url, RtmpLimits.DEFAULT, null, listener,
                        problem -> done.completeExceptionally(new IllegalStateException(problem))))
                .connect(url.host(), url.port())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        done.completeExceptionally(f.cause());
                    }
                });
    }

    /** On the event loop: sends every tag that is due, then schedules itself for the next one. */
    private void sendDue() {
        long base = tags.get(0).timestamp();
        while (next < tags.size()) {
            FlvFile.Tag tag = tags.get(next);
            long dueNanos = startNanos + (tag.timestamp() - base) * 1_000_000L;
            long wait = dueNanos - System.nanoTime();
            if (wait > 0) {
                loop.schedule(this::sendDue, wait, TimeUnit.NANOSECONDS);
                session.flush();
                return;
            }
            MediaPacket p = MediaPacket.of(MediaPacket.Kind.ofMessageType(tag.type()), tag.timestamp(),
                    Unpooled.wrappedBuffer(tag.body().clone()));
            try {
                session.send(p);
            } finally {
                p.release();
            }
            session.flush();
            onSent.sent(tag, System.nanoTime());
            next++;
        }
        session.unpublish().addListener(f -> done.complete(null));
    }

    /** Completes once every tag was sent and the session unpublished. */
    public CompletableFuture<Void> finished() {
        return done;
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
