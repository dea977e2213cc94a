package dev.castrelay.transcoder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

        AvcFormat.writeAvcc(Unpooled.wrappedBuffer(annexB), out);

        // trailing zero bytes belong to no NAL unit (and a NAL unit cannot end in 0x00 anyway)
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("00000004" + "0605aabb" + "00000003" + "658884");
        out.release();
    }

    @Test
    void everyNalUnitOfARandomAnnexBStreamIsWrittenOnceWithItsLength() {
        Random random = new Random(14);
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream annexB = new ByteArrayOutputStream();
            List<byte[]> nals = new ArrayList<>();
            for (int n = 1 + random.nextInt(5); n > 0; n--) {
                annexB.writeBytes(random.nextBoolean() ? new byte[] {0, 0, 0, 1} : new byte[] {0, 0, 1});
                byte[] nal = new byte[1 + random.nextInt(300)];
                random.nextBytes(nal);
                for (int i = 0; i < nal.length; i++) {
                    // No start code inside a NAL unit (emulation prevention), and none ends in a zero byte.
                    if (i >= 2 && nal[i - 2] == 0 && nal[i - 1] == 0 && (nal[i] & 0xff) <= 3 || nal[i] == 0
                            && i == nal.length - 1) {
                        nal[i] = (byte) (0x80 | random.nextInt(0x80));
                    }
                }
                nals.add(nal);
                annexB.writeBytes(nal);
            }
            ByteBuf expected = Unpooled.buffer();
            nals.forEach(nal -> expected.writeInt(nal.length).writeBytes(nal));
            ByteBuf out = Unpooled.buffer();

            AvcFormat.writeAvcc(Unpooled.wrappedBuffer(annexB.toByteArray()), out);

            assertThat(ByteBufUtil.hexDump(out)).as("round %d", round).isEqualTo(ByteBufUtil.hexDump(expected));
            out.release();
            expected.release();
        }
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
