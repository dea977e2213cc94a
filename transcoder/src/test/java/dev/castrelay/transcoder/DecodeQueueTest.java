package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeQueueTest {

    private final List<MediaPacket> made = new ArrayList<>();

    private MediaPacket video(boolean key) {
        return keep(MediaPacket.of(MediaPacket.Kind.VIDEO, 0, Unpooled.wrappedBuffer(new byte[] {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0})));
    }

    private MediaPacket audio() {
        return keep(MediaPacket.of(MediaPacket.Kind.AUDIO, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xaf, 1, 0})));
    }

    private MediaPacket avcSequenceHeader() {
        return keep(MediaPacket.of(MediaPacket.Kind.VIDEO, 0, Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0, 1})));
    }

    private MediaPacket keep(MediaPacket p) {
        made.add(p);
        return p;
    }

    @Test
    void whenFullItDropsEverythingUntilAKeyframeFindsRoom() throws Exception {
        DecodeQueue q = new DecodeQueue(2);
        assertThat(q.offer(video(true))).isTrue();
        assertThat(q.offer(video(false))).isTrue();
        assertThat(q.offer(video(false))).as("full").isFalse();

        ((MediaPacket) q.poll(0)).release(); // the consumer catches up
        ((MediaPacket) q.poll(0)).release();
        assertThat(q.offer(video(false))).as("room, but no keyframe yet").isFalse();
        assertThat(q.offer(audio())).as("audio waits for the keyframe too").isFalse();
        assertThat(q.offer(video(true))).isTrue();
        assertThat(q.offer(audio())).isTrue();
        q.clear();
        assertThat(made).as("the queue released every reference it took").allMatch(p -> p.refCnt() == 1);
        made.forEach(MediaPacket::release);
    }

    @Test
    void sequenceHeadersAndEventsAlwaysGetIn() throws Exception {
        DecodeQueue q = new DecodeQueue(1);
        q.offer(video(true));

        assertThat(q.offer(avcSequenceHeader())).isTrue();
        q.offer(DecodeQueue.Event.INGEST_LOST);

        assertThat(q.poll(0)).isInstanceOf(MediaPacket.class);
        assertThat(((MediaPacket) q.poll(0)).isSequenceHeader()).isTrue();
        assertThat(q.poll(0)).isEqualTo(DecodeQueue.Event.INGEST_LOST);
        made.forEach(p -> p.release(p.refCnt()));
    }
}
