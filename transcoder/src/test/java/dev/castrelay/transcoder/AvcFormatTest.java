package dev.castrelay.transcoder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvcFormatTest {

    /** libx264's extradata with a global header (High profile, 320x180): Annex B SPS then PPS. */
    private static final byte[] X264_EXTRADATA = ByteBufUtil.decodeHexDump(
            "00000001" + "6764" + "0014acd941419f9e10000003001000000303c0f1429960" + "00000001" + "68efbcb0");

    @Test
    void annexBExtradataBecomesADecoderConfigurationRecordWithTheHighProfileExtension() {
        byte[] record = AvcFormat.decoderConfigurationRecord(X264_EXTRADATA);

        assertThat(ByteBufUtil.hexDump(record)).isEqualTo("01640014ffe10019"
                + "67640014acd941419f9e10000003001000000303c0f1429960" + "010004" + "68efbcb0" + "fdf8f800");
    }

    @Test
    void aRecordIsKeptAsItIs() {
        byte[] record = AvcFormat.decoderConfigurationRecord(X264_EXTRADATA);

        assertThat(AvcFormat.decoderConfigurationRecord(record)).isSameAs(record);
    }

    @Test
    void extradataWithoutPpsIsRefusedSayingWhatWasFound() {
        assertThatThrownBy(() -> AvcFormat.decoderConfigurationRecord(ByteBufUtil.decodeHexDump("000001" + "6764001f")))
                .isInstanceOf(TranscoderException.class).hasMessageContaining("1 SPS and 0 PPS");
    }

    @Test
    void annexBFramesAreRewrittenWithFourByteLengthsAndNoStartCodes() {
        byte[] annexB = ByteBufUtil.decodeHexDump("00000001" + "0605aabb" + "000001" + "65888400" + "0000");
        ByteBuf out = Unpooled.buffer();

        AvcFormat.writeAvcc(annexB, out);

        // trailing zero bytes belong to no NAL unit (and a NAL unit cannot end in 0x00 anyway)
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("00000004" + "0605aabb" + "00000003" + "658884");
        out.release();
    }

    @Test
    void wellFormedAvccIsRecognisedAndATruncatedOneIsNot() {
        ByteBuf whole = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000002" + "6588" + "00000001" + "41"));
        ByteBuf truncated = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000009" + "658800"));

        assertThat(AvcFormat.isWellFormedAvcc(whole, 0, whole.writerIndex())).isTrue();
        assertThat(AvcFormat.isWellFormedAvcc(truncated, 0, truncated.writerIndex())).isFalse();
        assertThat(AvcFormat.isWellFormedAvcc(whole, 0, 0)).as("empty").isFalse();
    }
}
