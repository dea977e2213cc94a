package dev.castrelay.rtmp.media;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHeadersTest {

    private final List<MediaPacket> made = new ArrayList<>();
    private final StreamHeaders headers = new StreamHeaders();

    @AfterEach
    void everyPacketIsReleased() {
        headers.clear();
        for (MediaPacket p : made) {
            p.release();
            assertThat(p.refCnt()).as("%s still retained", p).isZero();
        }
    }

    /**
     * Whatever order they arrive in, the headers come back as a player wants them: metadata, video, audio. Each
     * letter is a packet offered (M metadata, V video sequence header, A audio sequence header, k keyframe, a
     * audio frame); the timestamp is its position, so the answer also tells which of two of a kind was kept.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "MVA,   M0 V1 A2",
        "AVM,   M2 V1 A0",
        "VkaA,  V0 A3",
        "MVAM,  M3 V1 A2",
        "VMVAV, M1 V4 A3",
        "ka,    ''",
    })
    void keepsTheLatestOfEachKindInPlayerOrder(String offered, String expected) {
        for (int i = 0; i < offered.length(); i++) {
            headers.offer(packet(offered.charAt(i), i));
        }
        assertThat(describe(headers.inOrder())).isEqualTo(expected);
    }

    @Test
    void takesOnlyMetadataAndSequenceHeaders() {
        assertThat(headers.offer(packet('k', 0))).isFalse();
        assertThat(headers.offer(packet('a', 1))).isFalse();
        assertThat(headers.hasSequenceHeader()).isFalse();
        assertThat(headers.offer(packet('M', 2))).isTrue();
        assertThat(headers.hasSequenceHeader()).as("metadata alone starts no decoder").isFalse();
        assertThat(headers.offer(packet('A', 3))).isTrue();
        assertThat(headers.hasSequenceHeader()).isTrue();
        assertThat(headers.video()).isNull();
    }

    @Test
    void holdsOneReferenceToWhatItKeepsAndReleasesWhatItReplaces() {
        MediaPacket first = packet('V', 0);
        MediaPacket second = packet('V', 1);
        headers.offer(first);
        assertThat(first.refCnt()).isEqualTo(2);

        headers.offer(second);
        assertThat(first.refCnt()).isEqualTo(1);
        assertThat(second.refCnt()).isEqualTo(2);
        assertThat(headers.video()).isSameAs(second);

        headers.offer(second); // the same packet again: still one reference of its own
        assertThat(second.refCnt()).isEqualTo(2);

        headers.clear();
        assertThat(second.refCnt()).isEqualTo(1);
        assertThat(headers.inOrder()).isEmpty();
    }

    @Test
    void retainedHandsTheCallerItsOwnReferences() {
        MediaPacket video = packet('V', 0);
        headers.offer(video);
        List<MediaPacket> mine = headers.retained();
        assertThat(video.refCnt()).isEqualTo(3);
        mine.forEach(MediaPacket::release);
        assertThat(video.refCnt()).isEqualTo(2);
    }

    private MediaPacket packet(char letter, long timestamp) {
        byte[] body = switch (letter) {
            case 'M' -> new byte[] {2, 0, 10};
            case 'V' -> new byte[] {0x17, 0, 0, 0, 0};
            case 'A' -> new byte[] {(byte) 0xAF, 0, 0x11, (byte) 0x90};
            case 'k' -> new byte[] {0x17, 1, 0, 0, 0};
            case 'a' -> new byte[] {(byte) 0xAF, 1, 0};
            default -> throw new IllegalArgumentException("no packet for " + letter);
        };
        MediaPacket.Kind kind = switch (letter) {
            case 'M' -> MediaPacket.Kind.DATA;
            case 'V', 'k' -> MediaPacket.Kind.VIDEO;
            default -> MediaPacket.Kind.AUDIO;
        };
        MediaPacket p = MediaPacket.of(kind, timestamp, Unpooled.wrappedBuffer(body));
        made.add(p);
        return p;
    }

    private static String describe(List<MediaPacket> packets) {
        List<String> parts = new ArrayList<>();
        for (MediaPacket p : packets) {
            parts.add((p.isData() ? "M" : p.isVideo() ? "V" : "A") + p.timestamp());
        }
        return String.join(" ", parts);
    }
}
