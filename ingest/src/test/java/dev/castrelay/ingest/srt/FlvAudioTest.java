package dev.castrelay.ingest.srt;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ADTS frames as MPEG-TS carries AAC become an AudioSpecificConfig and raw frames, as RTMP carries it. */
class FlvAudioTest {

    private static final HexFormat HEX = HexFormat.of();

    /** An ADTS header (no CRC) for AAC LC, 48 kHz (index 3), stereo, with {@code payload} behind it. */
    private static byte[] adts(byte[] payload) {
        int length = 7 + payload.length;
        byte[] f = new byte[length];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF1;
        f[2] = (byte) ((1 << 6) | (3 << 2)); // profile 1 (LC), rate index 3, channel bit 2 = 0
        f[3] = (byte) ((2 << 6) | ((length >> 11) & 3)); // channels 2
        f[4] = (byte) (length >> 3);
        f[5] = (byte) (((length & 7) << 5) | 0x1F);
        f[6] = (byte) 0xFC;
        System.arraycopy(payload, 0, f, 7, payload.length);
        return f;
    }

    @Test
    void firstFrameBringsTheAudioSpecificConfig() {
        byte[] frame = adts(new byte[] {0x21, 0x10, 0x05});

        List<FlvAudio.Tag> tags = new FlvAudio().convert(frame, frame.length);

        assertThat(tags).hasSize(2);
        assertThat(HEX.formatHex(tags.get(0).body())).as("AAC sequence header: LC, 48 kHz, stereo")
                .isEqualTo("af001190");
        assertThat(tags.get(0).sequenceHeader()).isTrue();
        assertThat(HEX.formatHex(tags.get(1).body())).isEqualTo("af01211005");
    }

    @Test
    void severalFramesInOnePacketAreTimedOneAfterTheOther() {
        byte[] one = adts(new byte[] {1});
        byte[] two = adts(new byte[] {2});
        byte[] both = new byte[one.length + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, one.length, two.length);
        FlvAudio audio = new FlvAudio();
        audio.convert(one, one.length);

        List<FlvAudio.Tag> tags = audio.convert(both, both.length);

        assertThat(tags).extracting(FlvAudio.Tag::offsetMillis).containsExactly(0L, 21L); // 1024 / 48 kHz
        assertThat(audio.lastPacketMillis()).isCloseTo(42.67, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void bytesThatAreNotAdtsAreRefused() {
        byte[] garbage = {0x47, 0x40, 0x11, 0x10, 0, 0, 0, 0};
        assertThatThrownBy(() -> new FlvAudio().convert(garbage, garbage.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an ADTS frame");
        byte[] cut = adts(new byte[100]);
        assertThatThrownBy(() -> new FlvAudio().convert(cut, 50)).hasMessageContaining("does not fit");
    }
}
