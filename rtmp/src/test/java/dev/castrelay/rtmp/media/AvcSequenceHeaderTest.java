package dev.castrelay.rtmp.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AvcSequenceHeaderTest {

    /** SPS NAL units from libx264 (baseline and high profile, with and without frame cropping). */
    @ParameterizedTest
    @CsvSource({
        "6742c01eda0280bfe5c044000003000400000300f03c58ba80, 640, 360",
        "6742c028da01e0089f970110000003001000000303c0f1832a, 1920, 1080",
        "6742c01eda05c14797c044000003000400000300f03c58ba80, 360, 640",
        "6764001facd940d83de6f0110000030001000003003c0f183196, 854, 480",
    })
    void readsThePictureSizeFromTheSps(String spsHex, int width, int height) {
        MediaPacket packet = sequenceHeader(ByteBufUtil.decodeHexDump(spsHex));
        try {
            assertThat(AvcSequenceHeader.size(packet)).isEqualTo(new AvcSequenceHeader.Size(width, height));
        } finally {
            packet.release();
        }
    }

    @Test
    void truncatedSpsGivesNoSizeRatherThanAnError() {
        MediaPacket packet = sequenceHeader(ByteBufUtil.decodeHexDump("6742c01eda"));
        try {
            assertThat(AvcSequenceHeader.size(packet)).isNull();
        } finally {
            packet.release();
        }
    }

    private static MediaPacket sequenceHeader(byte[] sps) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x17).writeByte(0).writeMedium(0); // keyframe AVC, sequence header, cts 0
        b.writeByte(1).writeByte(sps[1]).writeByte(sps[2]).writeByte(sps[3]).writeByte(0xFF).writeByte(0xE1);
        b.writeShort(sps.length).writeBytes(sps);
        b.writeByte(1).writeShort(4).writeInt(0x68ce3c80); // one PPS
        return MediaPacket.of(MediaPacket.Kind.VIDEO, 0, b);
    }
}
