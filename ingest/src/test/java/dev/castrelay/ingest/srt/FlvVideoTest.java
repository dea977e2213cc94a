package dev.castrelay.ingest.srt;

import dev.castrelay.rtmp.media.AvcSequenceHeader;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Annex-B access units as MPEG-TS carries them become the FLV tags an RTMP encoder sends. */
class FlvVideoTest {

    private static final HexFormat HEX = HexFormat.of();
    // A 640x360 Constrained Baseline SPS and a PPS from x264 (ultrafast), and the starts of an IDR and a P slice.
    private static final byte[] SPS = HEX.parseHex("6742c01eda0280bfe5c044000003000400000300f03c58ba80");
    private static final byte[] PPS = HEX.parseHex("68ce0fc8");
    private static final byte[] IDR = HEX.parseHex("6588843a0c6001");
    private static final byte[] P = HEX.parseHex("419a22bc3d0a");
    private static final byte[] AUD = HEX.parseHex("09f0");

    @Test
    void h264KeyframeBringsItsConfigurationRecordThenLengthPrefixedSlices() {
        FlvVideo video = new FlvVideo(false);

        FlvVideo.Tags tags = video.convert(au(4, AUD, SPS, PPS, IDR), auSize(4, AUD, SPS, PPS, IDR), 66);

        assertThat(tags.keyframe()).isTrue();
        byte[] header = tags.sequenceHeader();
        assertThat(HEX.formatHex(header, 0, 11)).isEqualTo("1700000000" + "0142c01eff" + "e1");
        assertThat(header).hasSize(5 + 6 + 2 + SPS.length + 1 + 2 + PPS.length);
        MediaPacket seq = packet(header);
        assertThat(seq.isSequenceHeader()).isTrue();
        assertThat(dev.castrelay.rtmp.media.AvcSequenceHeader.size(seq).width()).isEqualTo(640);
        byte[] frame = tags.frame();
        assertThat(HEX.formatHex(frame, 0, 5)).as("keyframe, NALU, composition time 66 ms").isEqualTo("1701000042");
        assertThat(HEX.formatHex(frame, 5, frame.length)).as("the IDR slice alone, length-prefixed")
                .isEqualTo("00000007" + HEX.formatHex(IDR));
    }

    @Test
    void unchangedParameterSetsAreNotSentAgainAndInterFramesAreNotKeyframes() {
        FlvVideo video = new FlvVideo(false);
        video.convert(au(4, SPS, PPS, IDR), auSize(4, SPS, PPS, IDR), 0);

        FlvVideo.Tags again = video.convert(au(3, SPS, PPS, IDR), auSize(3, SPS, PPS, IDR), 0);
        FlvVideo.Tags inter = video.convert(au(3, AUD, P), auSize(3, AUD, P), 0);

        assertThat(again.sequenceHeader()).isNull();
        assertThat(inter.sequenceHeader()).isNull();
        assertThat(inter.keyframe()).isFalse();
        assertThat(inter.frame()[0]).isEqualTo((byte) 0x27);
        assertThat(HEX.formatHex(inter.frame(), 5, inter.frame().length)).isEqualTo("00000006" + HEX.formatHex(P));
    }

    @Test
    void framesBeforeAnyParameterSetLeaveTheStreamUnconfigured() {
        FlvVideo video = new FlvVideo(false);

        FlvVideo.Tags tags = video.convert(au(4, P), auSize(4, P), 0);

        assertThat(video.configured()).isFalse();
        assertThat(tags.sequenceHeader()).isNull();
    }

    // HEVC 640x360 Main, level 2.1, from x265 (ultrafast): VPS, SPS, PPS and the start of an IDR_N_LP slice.
    private static final byte[] HEVC_VPS = HEX.parseHex("40010c01ffff01600000030090000003000003003f959409");
    private static final byte[] HEVC_SPS = HEX.parseHex(
            "42010101600000030090000003000003003fa005020171f2e595952930bc05a020000003002000000303c1");
    private static final byte[] HEVC_PPS = HEX.parseHex("4401c073c189");
    private static final byte[] HEVC_IDR = HEX.parseHex("2801ac21182e");

    @Test
    void hevcBecomesEnhancedRtmpWithAnHvcCRecord() {
        FlvVideo video = new FlvVideo(true);
        byte[] au = au(4, HEVC_VPS, HEVC_SPS, HEVC_PPS, HEVC_IDR);

        FlvVideo.Tags tags = video.convert(au, au.length, 33);

        assertThat(tags.keyframe()).isTrue();
        VideoTag seq = VideoTag.parse(Unpooled.wrappedBuffer(tags.sequenceHeader()));
        assertThat(seq.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(seq.type()).isEqualTo(VideoTag.Type.SEQUENCE_START);
        byte[] hvcc = java.util.Arrays.copyOfRange(tags.sequenceHeader(), seq.dataOffset(),
                tags.sequenceHeader().length);
        assertThat(hvcc[0]).as("configurationVersion").isEqualTo((byte) 1);
        assertThat(hvcc[1] & 0x1F).as("general_profile_idc: Main").isEqualTo(1);
        assertThat(hvcc[12] & 0xFF).as("general_level_idc: 2.1").isEqualTo(63);
        assertThat(hvcc[16] & 3).as("chroma 4:2:0").isEqualTo(1);
        assertThat(hvcc[17] & 7).as("8-bit luma").isZero();
        assertThat(hvcc[21] & 3).as("lengthSizeMinusOne").isEqualTo(3);
        assertThat(hvcc[22]).as("arrays: VPS, SPS, PPS").isEqualTo((byte) 3);
        VideoTag frame = VideoTag.parse(Unpooled.wrappedBuffer(tags.frame()));
        assertThat(frame.type()).isEqualTo(VideoTag.Type.CODED_FRAME);
        assertThat(frame.keyframe()).isTrue();
        assertThat(frame.compositionTime()).isEqualTo(33);
        assertThat(HEX.formatHex(tags.frame(), frame.dataOffset(), tags.frame().length))
                .isEqualTo("00000006" + HEX.formatHex(HEVC_IDR));
    }

    @Test
    void theHevcSequenceHeaderTellsThePictureSizeAsAnAvcOneDoes() {
        FlvVideo video = new FlvVideo(true);
        byte[] au = au(4, HEVC_VPS, HEVC_SPS, HEVC_PPS, HEVC_IDR);
        MediaPacket header = packet(video.convert(au, au.length, 0).sequenceHeader());
        try {
            assertThat(AvcSequenceHeader.size(header)).isEqualTo(new AvcSequenceHeader.Size(640, 360));
        } finally {
            header.release();
        }
    }

    private static MediaPacket packet(byte[] body) {
        return MediaPacket.of(MediaPacket.Kind.VIDEO, 0, Unpooled.wrappedBuffer(body));
    }

    /** NAL units behind start codes of {@code zeros} zero bytes plus 01 (3: a 4-byte start code). */
    private static byte[] au(int startCodeBytes, byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            for (int i = 0; i < startCodeBytes - 1; i++) {
                out.write(0);
            }
            out.write(1);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    private static int auSize(int startCodeBytes, byte[]... nals) {
        return au(startCodeBytes, nals).length;
    }
}
