package dev.castrelay.relay.hub;

import dev.castrelay.rtmp.media.LoopBoundListener;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
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

    @Test
    void everyTargetGetsThePacketChunkedOnceAndTheChunksGoWithTheLastHolder() throws Exception {
        EventLoop other = new DefaultEventLoop();
        try {
            RenditionFeed feed = new RenditionFeed("main");
            List<MediaPacket> got = new CopyOnWriteArrayList<>();
            feed.subscribe(new Keeper(loop, got));
            feed.subscribe(new Keeper(other, got));
            loop.submit(() -> { }).sync();
            other.submit(() -> { }).sync();
            byte[] keyframe = new byte[10_000];
            keyframe[0] = 0x17;
            keyframe[1] = 1;
            MediaPacket ingested = MediaPacket.of(MediaPacket.Kind.VIDEO, 40,
                    Unpooled.directBuffer().writeBytes(keyframe));

            feed.onPacket(ingested);
            ingested.release();

            await().atMost(java.time.Duration.ofSeconds(5)).until(() -> got.size() == 2);
            assertThat(ingested.refCnt()).as("the ingested copy is not kept").isZero();
            MediaPacket sent = got.get(0);
            assertThat(got.get(1)).as("one packet for both targets").isSameAs(sent);
            assertThat(sent.heldBytes()).as("three chunks and their headers (12 + 1 + 1)").isEqualTo(10_000 + 14);
            ByteBuf chunks = sent.chunks();
            got.forEach(MediaPacket::release);
            feed.close(); // the GOP cache's reference
            assertThat(chunks.refCnt()).isZero();
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static MediaPacket packet(long timestamp) {
        return MediaPacket.of(MediaPacket.Kind.AUDIO, timestamp, Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1, 0}));
    }

    /** A target that keeps what it is sent (retained), for the test to inspect and release. */
    private record Keeper(EventLoop loop, List<MediaPacket> got) implements LoopBoundListener {
        @Override
        public EventExecutor executor() {
            return loop;
        }

        @Override
        public void onPacketOnLoop(MediaPacket packet) {
            got.add(packet.retain());
        }

        @Override
        public void onStreamEnd() {
        }
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
