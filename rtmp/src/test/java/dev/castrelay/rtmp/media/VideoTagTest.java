package dev.castrelay.rtmp.media;

import dev.castrelay.rtmp.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Video tag headers as encoders send them, legacy FLV and Enhanced RTMP, and what each one says. */
class VideoTagTest {

    static Stream<Arguments> tags() {
        return Stream.of(
                Arguments.of("legacy AVC sequence header", "17 00 000000 01640028",
                        new VideoTag(VideoCodec.H264, VideoTag.Type.SEQUENCE_START, true, 0, 5)),
                Arguments.of("legacy AVC inter frame, cts 66", "27 01 000042 00000001",
                        new VideoTag(VideoCodec.H264, VideoTag.Type.CODED_FRAME, false, 66, 5)),
                Arguments.of("legacy AVC negative cts", "27 01 FFFFDE 00000001",
                        new VideoTag(VideoCodec.H264, VideoTag.Type.CODED_FRAME, false, -34, 5)),
                Arguments.of("enhanced HEVC sequence start", "90 'hvc1' 01",
                        new VideoTag(VideoCodec.HEVC, VideoTag.Type.SEQUENCE_START, true, 0, 5)),
                Arguments.of("enhanced HEVC coded frames with cts", "91 'hvc1' 000021 00000001",
                        new VideoTag(VideoCodec.HEVC, VideoTag.Type.CODED_FRAME, true, 33, 8)),
                Arguments.of("enhanced HEVC coded frames X (no cts)", "A3 'hvc1' 00000001",
                        new VideoTag(VideoCodec.HEVC, VideoTag.Type.CODED_FRAME, false, 0, 5)),
                Arguments.of("enhanced AV1 coded frames carry no cts", "91 'av01' 0A0B",
                        new VideoTag(VideoCodec.AV1, VideoTag.Type.CODED_FRAME, true, 0, 5)),
                Arguments.of("enhanced VP9 sequence end", "92 'vp09'",
                        new VideoTag(VideoCodec.VP9, VideoTag.Type.SEQUENCE_END, true, 0, 5)),
                Arguments.of("enhanced metadata", "94 'hvc1' 02",
                        new VideoTag(VideoCodec.HEVC, VideoTag.Type.OTHER, true, 0, 5)),
                Arguments.of("enhanced unknown FourCC", "91 'xyz1' 00",
                        new VideoTag(null, VideoTag.Type.CODED_FRAME, true, 0, 5)),
                Arguments.of("legacy VP6 is no codec of ours", "14 00",
                        new VideoTag(null, VideoTag.Type.OTHER, true, 0, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tags")
    void eachHeaderSaysWhatItCarries(String name, String bytes, VideoTag expected) {
        assertThat(VideoTag.parse(Bytes.wrap(Bytes.of(bytes)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("truncated")
    void aHeaderCutShortIsNoTag(String bytes) {
        assertThat(VideoTag.parse(Bytes.wrap(Bytes.of(bytes)))).isNull();
    }

    static Stream<String> truncated() {
        return Stream.of("", "90 68", "91 'hvc1' 00", "27 01");
    }
}
