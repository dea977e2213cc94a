package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InterleaverTest {

    private final List<MediaPacket> out = new ArrayList<>();
    private final Interleaver interleaver = new Interleaver(out::add);

    private static MediaPacket packet(MediaPacket.Kind kind, long ts) {
        return MediaPacket.of(kind, ts, Unpooled.buffer(1).writeByte(0));
    }

    private List<String> emitted() {
        List<String> s = out.stream().map(p -> (p.isAudio() ? "a" : "v") + p.timestamp()).toList();
        out.forEach(MediaPacket::release);
        return s;
    }

    @Test
    void audioAheadOfLaggingVideoIsHeldAndEmittedInTimestampOrder() {
        interleaver.add(packet(MediaPacket.Kind.AUDIO, 0));
        interleaver.add(packet(MediaPacket.Kind.AUDIO, 23));
        interleaver.add(packet(MediaPacket.Kind.AUDIO, 46));
        assertThat(out).isEmpty();

        interleaver.add(packet(MediaPacket.Kind.VIDEO, 33));
        interleaver.flush();

        assertThat(emitted()).containsExactly("a0", "a23", "v33", "a46");
    }

    @Test
    void aKindAloneForLongerThanTheMaximumWaitIsLetThrough() {
        interleaver.add(packet(MediaPacket.Kind.VIDEO, 0));
        interleaver.add(packet(MediaPacket.Kind.VIDEO, Interleaver.MAX_WAIT_MS + 1));

        assertThat(emitted()).containsExactly("v0");
        interleaver.discard();
    }

    @Test
    void timestampsOfAKindNeverGoBack() {
        interleaver.add(packet(MediaPacket.Kind.VIDEO, 100));
        interleaver.add(packet(MediaPacket.Kind.AUDIO, 200));
        interleaver.add(packet(MediaPacket.Kind.VIDEO, 90));
        interleaver.flush();

        assertThat(emitted()).containsExactly("v100", "v100", "a200");
    }
}
