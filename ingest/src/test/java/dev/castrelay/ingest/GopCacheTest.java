package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a late joiner is sent, and in what order: one row per case. Packets are written as tokens: {@code m40}
 * metadata at 40 ms, {@code vHA0} a video sequence header with configuration A at 0 ms, {@code aHA0} an audio one,
 * {@code K0} a video keyframe, {@code v33} another video frame, {@code a21} an audio frame. Every media packet is
 * 100 bytes, so the byte limit reads as a number of packets.
 */
class GopCacheTest {

    private static final int PACKET_BYTES = 100;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nothing received: nothing replayed                      | 100000 | ''                                   | ''
            before the first keyframe only the headers              | 100000 | m0 vHA0 aHA0 a10 v20                 | m0 vHA0 aHA0
            metadata, video header, audio header, whatever came first | 100000 | aHA0 vHA0 m0 K0                    | m0 vHA0 aHA0 K0
            the GOP from its keyframe, interleaved as it came       | 100000 | m0 vHA0 aHA0 K0 a10 v33 a31 v66      | m0 vHA0 aHA0 K0 a10 v33 a31 v66
            a new keyframe starts a new GOP                         | 100000 | vHA0 aHA0 K0 a10 v33 K66 a70 v99     | vHA0 aHA0 K66 a70 v99
            audio before the first keyframe is not replayed         | 100000 | vHA0 aHA0 a0 a21 K33 a42             | vHA0 aHA0 K33 a42
            the newest metadata, still first                        | 100000 | m0 vHA0 K0 v33 m50 v66               | m50 vHA0 K0 v33 v66
            a repeated identical video header keeps the GOP         | 100000 | vHA0 K0 v33 vHA50 v66                | vHA50 K0 v33 v66
            a changed video header drops the GOP encoded before it  | 100000 | vHA0 K0 v33 vHB50 v66                | vHB50
            after a changed video header the next keyframe starts   | 100000 | vHA0 K0 v33 vHB50 K50 v83            | vHB50 K50 v83
            a changed audio header drops the audio encoded before it | 100000 | vHA0 aHA0 K0 a10 v33 aHB40 a50     | vHA0 aHB40 K0 v33 a50
            a repeated identical audio header keeps the audio       | 100000 | vHA0 aHA0 K0 a10 aHA20 a30           | vHA0 aHA20 K0 a10 a30
            audio only: headers, no GOP without a video keyframe    | 100000 | m0 aHA0 a0 a21 a42                   | m0 aHA0
            a GOP over the byte limit is dropped                    | 350    | vHA0 K0 v33 v66 v99                  | vHA0
            after an oversized GOP the next keyframe starts again   | 350    | vHA0 K0 v33 v66 v99 v132 K165 v198   | vHA0 K165 v198
            """)
    void lateJoinerGets(String behaviour, long maxBytes, String received, String replayed) {
        GopCache cache = new GopCache(maxBytes);
        for (String token : tokens(received)) {
            MediaPacket p = packet(token);
            cache.add(p);
            p.release(); // the cache keeps its own references
        }

        List<String> out = new ArrayList<>();
        cache.replayTo(p -> out.add(token(p)));
        cache.clear(); // releases what it held: the leak guard checks it held nothing more

        assertThat(out).containsExactlyElementsOf(tokens(replayed));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no video header yet                 | K0 v33                 | ''
            no keyframe yet                     | vHA0 a10               | ''
            the header and the GOP's keyframe   | vHA0 K0 v33 a40 K66 v99 | vHA0 K66
            """)
    void keyframeForASwitchIsTheHeaderAndTheCachedKeyframe(String behaviour, String received, String expected) {
        GopCache cache = new GopCache(100_000);
        for (String token : tokens(received)) {
            MediaPacket p = packet(token);
            cache.add(p);
            p.release();
        }

        List<MediaPacket> keyframe = cache.keyframe();
        List<String> out = keyframe.stream().map(GopCacheTest::token).toList();
        keyframe.forEach(MediaPacket::release);
        cache.clear();

        assertThat(out).containsExactlyElementsOf(tokens(expected));
    }

    private static List<String> tokens(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
    }

    /** Builds the packet a token names; the configuration letter is carried in the header's payload. */
    private static MediaPacket packet(String token) {
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer(PACKET_BYTES); // pooled: the leak guard tracks it
        MediaPacket.Kind kind;
        String rest;
        if (token.startsWith("m")) {
            kind = MediaPacket.Kind.DATA;
            body.writeByte(2); // AMF0 string marker, as @setDataFrame begins
            rest = token.substring(1);
        } else if (token.startsWith("vH") || token.startsWith("aH")) {
            boolean video = token.charAt(0) == 'v';
            kind = video ? MediaPacket.Kind.VIDEO : MediaPacket.Kind.AUDIO;
            body.writeByte(video ? 0x17 : 0xaf).writeByte(0); // AVC keyframe / AAC, packet type 0: sequence header
            body.writeByte(token.charAt(2));
            rest = token.substring(3);
        } else if (token.startsWith("K") || token.startsWith("v")) {
            kind = MediaPacket.Kind.VIDEO;
            body.writeByte(token.startsWith("K") ? 0x17 : 0x27).writeByte(1); // AVC NALU, key or inter frame
            rest = token.substring(1);
        } else if (token.startsWith("a")) {
            kind = MediaPacket.Kind.AUDIO;
            body.writeByte(0xaf).writeByte(1); // AAC raw
            rest = token.substring(1);
        } else {
            throw new IllegalArgumentException("unknown packet token " + token);
        }
        body.writeZero(PACKET_BYTES - body.readableBytes());
        return MediaPacket.of(kind, Long.parseLong(rest), body);
    }

    private static String token(MediaPacket p) {
        if (p.isData()) {
            return "m" + p.timestamp();
        }
        String kind = p.isVideo() ? "v" : "a";
        if (p.isSequenceHeader()) {
            return kind + "H" + (char) p.payload().getByte(p.payload().readerIndex() + 2) + p.timestamp();
        }
        return (p.isVideo() && p.isKeyframe() ? "K" : kind) + p.timestamp();
    }
}
