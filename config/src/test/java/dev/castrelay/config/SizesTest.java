package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {

    @Test
    void bitratesUseDecimalMultipliers() {
        assertThat(Sizes.parseBitrate("6000k")).isEqualTo(6_000_000);
        assertThat(Sizes.parseBitrate("6M")).isEqualTo(6_000_000);
        assertThat(Sizes.parseBitrate("128k")).isEqualTo(128_000);
        assertThat(Sizes.parseBitrate("2.25M")).isEqualTo(2_250_000);
        assertThat(Sizes.parseBitrate("128000")).isEqualTo(128_000);
        assertThat(Sizes.parseBitrate("6000kbps")).isEqualTo(6_000_000);
    }

    @Test
    void byteSizesUseBinaryMultipliers() {
        assertThat(Sizes.parseBytes("64MiB")).isEqualTo(64L * 1024 * 1024);
        assertThat(Sizes.parseBytes("64M")).isEqualTo(64L * 1024 * 1024);
        assertThat(Sizes.parseBytes("512k")).isEqualTo(512 * 1024);
    }

    @Test
    void garbageSaysWhatWasExpected() {
        assertThatThrownBy(() -> Sizes.parseBitrate("fast")).hasMessage("expected a bitrate like 6000k, 6M or 128000");
    }

    @Test
    void bitratesAreFormattedAsAFileWouldSayThem() {
        assertThat(Sizes.formatBitrate(9_000_000)).isEqualTo("9000k");
        assertThat(Sizes.formatBitrate(1500)).isEqualTo("1500");
    }
}
