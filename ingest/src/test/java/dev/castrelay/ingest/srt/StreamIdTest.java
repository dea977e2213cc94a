package dev.castrelay.ingest.srt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamIdTest {

    @Test
    void accessControlSyntaxNamesAppAndKeyInAnyOrder() {
        assertThat(StreamId.parse("#!::r=live/abc-123,m=publish")).isEqualTo(new StreamId("live", "abc-123"));
        assertThat(StreamId.parse("#!::m=publish,u=venue,r=live/abc-123")).isEqualTo(new StreamId("live", "abc-123"));
        assertThat(StreamId.parse("#!::r=live/abc-123")).isEqualTo(new StreamId("live", "abc-123"));
    }

    @Test
    void plainResourceIsAppSlashKey() {
        assertThat(StreamId.parse("live/abc/with/slashes")).isEqualTo(new StreamId("live", "abc/with/slashes"));
    }

    @Test
    void playRequestsAreRefusedWithoutQuotingTheKey() {
        assertThatThrownBy(() -> StreamId.parse("#!::r=live/secret-key,m=request"))
                .hasMessageContaining("m=request").hasMessageNotContaining("secret-key");
    }

    @Test
    void streamIdsWithoutAKeyAreRefusedWithoutQuotingThem() {
        for (String bad : new String[] {"", "secret-key", "live/", "/secret-key", "#!::m=publish", "#!::u=secret"}) {
            assertThatThrownBy(() -> StreamId.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        }
        assertThatThrownBy(() -> StreamId.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsNeverPrinted() {
        assertThat(StreamId.parse("live/secret-key").toString()).doesNotContain("secret-key");
    }

    @Test
    void ffmpegsAcceptLineGivesTheStreamIdAsSent() {
        assertThat(FfmpegLogTap.streamIdIn("[srt @ 0x7f92dc2d0000] accept streamid [#!::r=live/k],x], length 15\n"))
                .isEqualTo("#!::r=live/k],x");
        assertThat(FfmpegLogTap.streamIdIn("[srt @ 0x7f92dc338000] accept streamid [], length 0\n")).isEmpty();
        assertThat(FfmpegLogTap.streamIdIn("[mpegts @ 0x1] Packet corrupt (stream = 0, dts = 1)\n")).isNull();
    }
}
