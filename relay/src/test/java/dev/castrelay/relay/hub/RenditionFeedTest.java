package dev.castrelay.relay.hub;

import dev.castrelay.rtmp.media.LoopBoundListener;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fan-out keeps each target's packets in the order the rendition produced them, whichever thread sent them. */
class RenditionFeedTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aPacketSentOnTheTargetsLoopNeverOvertakesOneStillQueuedFromAnotherThread() throws Exception {
        RenditionFeed feed = new RenditionFeed("source");
        List<Long> received = new CopyOnWriteArrayList<>();
        feed.subscribe(new Recorder(loop, received));
        loop.submit(() -> { }).sync(); // the subscription is in place

        // As at a failover: the timer thread replays the new input's GOP (queued for the target's loop) while the
        // new input's own loop, which is also the target's, sends its next live packet.
        loop.submit(() -> {
            Thread timer = new Thread(() -> feed.onPacket(packet(1_000)));
            timer.start();
            try {
                timer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            feed.onPacket(packet(1_033));
        }).sync();

        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).containsExactly(1_000L, 1_033L);
    }

    private static MediaPacket packet(long timestamp) {
        return MediaPacket.of(MediaPacket.Kind.AUDIO, timestamp, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1, 0}));
    }

    private record Recorder(EventLoop loop, List<Long> received) implements LoopBoundListener {
        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public void onPacketOnLoop(MediaPacket packet) {
            received.add(packet.timestamp());
        }

        @Override
        public void onStreamEnd() {
        }
    }
}
