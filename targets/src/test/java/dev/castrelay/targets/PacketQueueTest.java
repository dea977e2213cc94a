package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.MediaChunks;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PacketQueueTest {

    /** 10 fps video, a keyframe every second, audio every 50 ms: 10 frames and 20 audio packets per GOP. */
    private static final int FRAME_MS = 100;
    private static final int GOP_MS = 1000;
    private static final int FRAME_BYTES = 1000;

    private final Packets packets = new Packets();
    private final List<MediaPacket> taken = new ArrayList<>();
    private PacketQueue queue;

    @AfterEach
    void everyPacketIsReleased() {
        if (queue != null) {
            queue.clear();
        }
        taken.forEach(MediaPacket::release);
        assertThat(packets.releaseAndListLeaks()).as("packets still retained").isEmpty();
    }

    @Test
    void dropsWholeGopsFromTheOldestWhenOverItsDuration() {
        queue = new PacketQueue(3_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 6);

        assertThat(queue.durationMillis()).isLessThanOrEqualTo(3_000);
        List<MediaPacket> left = media(takeAll());
        assertThat(left.get(0).isKeyframe()).isTrue();
        assertThat(keyframeTimes(left)).containsExactly(3_000L, 4_000L, 5_000L);
    }

    @Test
    void dropsWholeGopsFromTheOldestWhenOverItsBytes() {
        queue = new PacketQueue(Long.MAX_VALUE, 30 * FRAME_BYTES);
        offerHeaders();
        offerGops(0, 5);

        assertThat(queue.bytes()).isLessThanOrEqualTo(30 * FRAME_BYTES);
        assertThat(keyframeTimes(takeAll())).containsExactly(3_000L, 4_000L);
    }

    @Test
    void resumesAtAKeyframeWithAudioAndVideoTogether() {
        queue = new PacketQueue(2_500, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 5);

        List<MediaPacket> left = media(takeAll());
        long start = left.get(0).timestamp();
        assertThat(left.get(0).isVideo() && left.get(0).isKeyframe()).isTrue();
        assertThat(left).allSatisfy(p -> assertThat(p.timestamp()).isGreaterThanOrEqualTo(start));
        assertThat(left).anySatisfy(p -> assertThat(p.isAudio()).isTrue());
        assertThat(left.stream().filter(MediaPacket::isAudio).mapToLong(MediaPacket::timestamp).min().orElseThrow())
                .as("the first audio packet left is the one beside the keyframe").isEqualTo(start);
    }

    @Test
    void countsDroppedVideoFramesOnly() {
        queue = new PacketQueue(3_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 6);

        assertThat(queue.droppedFrames()).isEqualTo(3L * GOP_MS / FRAME_MS);
    }

    @Test
    void keepsTheLatestHeadersWhateverItDrops() {
        queue = new PacketQueue(1_000, Long.MAX_VALUE);
        offerHeaders();
        MediaPacket newerVideoHeader = packets.videoHeader();
        queue.offer(newerVideoHeader);
        offerGops(0, 4);

        List<MediaPacket> headers = queue.headers();
        try {
            assertThat(headers).hasSize(3);
            assertThat(headers.get(0).isData()).isTrue();
            assertThat(headers.get(1)).isSameAs(newerVideoHeader);
            assertThat(headers.get(2).isAudio() && headers.get(2).isSequenceHeader()).isTrue();
        } finally {
            headers.forEach(MediaPacket::release);
        }
        assertThat(queue.hasHeaders()).isTrue();
    }

    @Test
    void startFromLatestKeyframeSkipsToTheNewestGopAndCountsWhatItSkips() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 3);
        queue.offer(packets.keyframe(3_000, FRAME_BYTES));
        queue.offer(packets.audio(3_000));

        queue.startFromLatestKeyframe();

        assertThat(media(takeAll())).extracting(MediaPacket::timestamp).containsOnly(3_000L);
        assertThat(queue.droppedFrames()).isEqualTo(3L * GOP_MS / FRAME_MS);
    }

    @Test
    void startFromLatestKeyframeWithoutAKeyframeWaitsForTheNextOne() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 1);
        sendThroughFirstKeyframe(); // what is left has no keyframe to start from

        queue.startFromLatestKeyframe();
        queue.offer(packets.interFrame(1_000, FRAME_BYTES));
        queue.offer(packets.audio(1_000));

        assertThat(queue.isEmpty()).as("neither a frame nor audio before the picture can start").isTrue();
        queue.offer(packets.keyframe(1_100, FRAME_BYTES));
        assertThat(takeAll()).extracting(MediaPacket::timestamp).containsExactly(1_100L);
    }

    @Test
    void waitsForTheFirstKeyframeBeforeQueueingMedia() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        offerHeaders();
        queue.offer(packets.audio(0));
        queue.offer(packets.interFrame(0, FRAME_BYTES));
        queue.offer(packets.keyframe(100, FRAME_BYTES));

        assertThat(media(takeAll())).extracting(MediaPacket::timestamp).containsExactly(100L);
    }

    @Test
    void aGopLargerThanTheLimitGoesWholeAndTheQueueWaitsForTheNextKeyframe() {
        queue = new PacketQueue(500, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 1); // 950 ms of one GOP, over a 500 ms limit with no later keyframe to cut at
        queue.offer(packets.interFrame(1_000, FRAME_BYTES));
        queue.offer(packets.keyframe(1_100, FRAME_BYTES));

        assertThat(media(takeAll())).as("no half GOP after the drop").extracting(MediaPacket::timestamp)
                .containsExactly(1_100L);
        assertThat(queue.droppedFrames()).isEqualTo(11);
    }

    @Test
    void aHeaderChangeMidStreamSurvivesAGopDrop() {
        queue = new PacketQueue(2_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 1);
        MediaPacket newHeader = packets.videoHeader(); // e.g. the encoder changed resolution
        queue.offer(newHeader);
        offerGops(1_000, 3);

        List<MediaPacket> left = takeAll();
        int header = left.indexOf(newHeader);
        assertThat(header).as("the new header is still queued").isNotNegative();
        assertThat(media(left.subList(header, left.size()))).filteredOn(MediaPacket::isKeyframe).isNotEmpty();
        assertThat(media(left).get(0).isKeyframe()).isTrue();
    }

    @Test
    void pollHandsOverInOrderAndTracksBytes() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        offerGops(0, 1);
        long before = queue.bytes();

        MediaPacket first = queue.poll();
        try {
            assertThat(first.isKeyframe()).isTrue();
            assertThat(queue.bytes()).isEqualTo(before - first.size());
        } finally {
            first.release();
        }
    }

    @Test
    void countsWhatItHoldsOfAPacketChunkedForTheWire() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        MediaPacket chunked = MediaChunks.chunked(packets.keyframe(0, 3 * MediaChunks.CHUNK_SIZE),
                ByteBufAllocator.DEFAULT);
        taken.add(chunked);

        queue.offer(chunked);

        assertThat(queue.bytes()).as("three chunks, their headers (12 + 1 + 1), the payload being a view of them")
                .isEqualTo(3 * MediaChunks.CHUNK_SIZE + 14).isEqualTo(chunked.heldBytes());
        taken.add(queue.poll());
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void clearForgetsMediaAndHeaders() {
        queue = new PacketQueue(60_000, Long.MAX_VALUE);
        offerHeaders();
        offerGops(0, 2);

        queue.clear();

        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.hasHeaders()).isFalse();
        assertThat(queue.bytes()).isZero();
        assertThat(queue.headers()).isEmpty();
    }

    private void offerHeaders() {
        queue.offer(packets.metadata());
        queue.offer(packets.videoHeader());
        queue.offer(packets.audioHeader());
    }

    /** Offers {@code count} GOPs starting at {@code fromMs}, audio and video interleaved by time. */
    private void offerGops(long fromMs, int count) {
        for (long t = fromMs; t < fromMs + (long) count * GOP_MS; t += FRAME_MS / 2) {
            if (t % FRAME_MS == 0) {
                queue.offer(t % GOP_MS == 0 ? packets.keyframe(t, FRAME_BYTES) : packets.interFrame(t, FRAME_BYTES));
            }
            queue.offer(packets.audio(t));
        }
    }

    /** Takes everything out of the queue, in order; released after the test. */
    private List<MediaPacket> takeAll() {
        List<MediaPacket> now = new ArrayList<>();
        MediaPacket p;
        while ((p = queue.poll()) != null) {
            now.add(p);
        }
        taken.addAll(now);
        return now;
    }

    /** Sends (polls) everything up to and including the first keyframe. */
    private void sendThroughFirstKeyframe() {
        MediaPacket p;
        do {
            p = queue.poll();
            taken.add(p);
        } while (!(p.isKeyframe() && !p.isSequenceHeader()));
    }

    /** Audio and video frames: no metadata, no sequence headers. */
    private static List<MediaPacket> media(List<MediaPacket> list) {
        return list.stream().filter(p -> !p.isData() && !p.isSequenceHeader()).toList();
    }

    private static List<Long> keyframeTimes(List<MediaPacket> list) {
        return media(list).stream().filter(MediaPacket::isKeyframe).map(MediaPacket::timestamp).toList();
    }
}
