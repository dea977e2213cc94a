package dev.castrelay.targets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** AudioSpecificConfig bytes as encoders send them, and what the muxer is told. */
class AacConfigTest {

    @Test
    void lowComplexityAt48kStereo() {
        assertThat(AacConfig.parse(new byte[] {0x11, (byte) 0x90})).isEqualTo(new AacConfig(48_000, 2));
    }

    @Test
    void lowComplexityAt44kMono() {
        assertThat(AacConfig.parse(new byte[] {0x12, 0x08})).isEqualTo(new AacConfig(44_100, 1));
    }

    @Test
    void anExplicitRateIsRead() {
        // object type 2, frequency index 15 then the rate (48000) in 24 bits, channel configuration 2
        assertThat(AacConfig.parse(new byte[] {0x17, (byte) 0x80, 0x5d, (byte) 0xc0, 0x10}))
                .isEqualTo(new AacConfig(48_000, 2));
    }

    @Test
    void tooShortOrNoChannelsIsNothing() {
        assertThat(AacConfig.parse(new byte[] {0x11})).isNull();
        assertThat(AacConfig.parse(new byte[] {0x11, (byte) 0x80})).isNull();
        assertThat(AacConfig.parse(null)).isNull();
    }
}
