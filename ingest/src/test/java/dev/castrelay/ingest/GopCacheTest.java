package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GopCacheTest {

    private final List<MediaPacket> made = new ArrayList<>();
    private GopCache cache;

    @AfterEach
    void everyPacketIsReleased() {
        if (cache != null) {
            cache.clear();
        }
        for (MediaPacket p : made) {
            p.release();
            assertThat(p.refCnt()).as("%s still retained", p).isZero();
        }
    }

    /**
     * What a joiner is replayed: metadata, the video sequence header, the audio sequence header, then the GOP from
     * its keyframe in arrival order. Each letter is a packet added (M metadata, V/A sequence headers, k keyframe,
     * i inter frame, a audio frame), its timestamp its position; {@code maxBytes} of 100 holds 20 packets.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "MVAkia,      M0 V1 A2 k3 i4 a5",
        "kiaAVM,      M5 V4 A3 k0 i1 a2",
        "VAkiaki,     V0 A1 k5 i6",
        "VAiakia,     V0 A1 k4 i5 a6",
        "MVAkiVai,    M0 V5 A2 k3 i4 a6 i7",
        "ia,          ''",
    })
    void replaysHeadersInPlayerOrderThenTheGopSinceTheLatestKeyframe(String added, String expected) {
        cache = new GopCache(100);
        for (int i = 0; i < added.length(); i++) {
            cache.add(packet(added.charAt(i), i));
        }
        List<String> replayed = new ArrayList<>();
        cache.replayTo(p -> replayed.add(letter(p) + p.timestamp()));
        assertThat(String.join(" ", replayed)).isEqualTo(expected);
    }

    private MediaPacket packet(char letter, long timestamp) {
        byte[] head = switch (letter) {
            case 'M' -> new byte[] {2, 0, 10};
            case 'V' -> new byte[] {0x17, 0, 0, 0, 0};
            case 'A' -> new byte[] {(byte) 0xAF, 0, 0x11, (byte) 0x90};
            case 'k' -> new byte[] {0x17, 1, 0, 0, 0};
            case 'i' -> new byte[] {0x27, 1, 0, 0, 0};
            case 'a' -> new byte[] {(byte) 0xAF, 1, 0, 0, 0};
            default -> throw new IllegalArgumentException("no packet for " + letter);
        };
        MediaPacket.Kind kind = switch (letter) {
            case 'M' -> MediaPacket.Kind.DATA;
            case 'V', 'k', 'i' -> MediaPacket.Kind.VIDEO;
            default -> MediaPacket.Kind.AUDIO;
        };
        MediaPacket p = MediaPacket.of(kind, timestamp, Unpooled.wrappedBuffer(head));
        made.add(p);
        return p;
    }

    private static String letter(MediaPacket p) {
        if (p.isData()) {
            return "M";
        }
        if (p.isSequenceHeader()) {
            return p.isVideo() ? "V" : "A";
        }
        return p.isVideo() ? (p.isKeyframe() ? "k" : "i") : "a";
    }
}
