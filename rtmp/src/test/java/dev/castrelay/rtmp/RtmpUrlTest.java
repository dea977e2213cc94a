package dev.castrelay.rtmp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtmpUrlTest {

    @Test
    void splitsHostPortAppAndKey() {
        assertThat(RtmpUrl.parse("rtmp://live.example.com:1936/app/abc123"))
                .isEqualTo(new RtmpUrl(false, "live.example.com", 1936, "app", "abc123"));
    }

    @Test
    void plainRtmpDefaultsToPort1935() {
        assertThat(RtmpUrl.parse("rtmp://a.rtmp.youtube.com/live2/k").port()).isEqualTo(1935);
    }

    @Test
    void rtmpsDefaultsToPort443() {
        RtmpUrl url = RtmpUrl.parse("rtmps://live-api-s.facebook.com/rtmp/k");

        assertThat(url.tls()).isTrue();
        assertThat(url.port()).isEqualTo(443);
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertThat(RtmpUrl.parse("RTMP://h/app/k").tls()).isFalse();
    }

    @Test
    void keyWithAQueryStringIsKeptExactly() {
        assertThat(RtmpUrl.parse("rtmp://live.twitch.tv/app/live_1_abc?bandwidthtest=true&x=%2F").streamName())
                .isEqualTo("live_1_abc?bandwidthtest=true&x=%2F");
    }

    @Test
    void slashInTheKeysQueryStringStaysInTheKey() {
        RtmpUrl url = RtmpUrl.parse("rtmps://h:443/rtmp/FB-1-0?s_bl=1&a=Ab/cd+ef");

        assertThat(url.app()).isEqualTo("rtmp");
        assertThat(url.streamName()).isEqualTo("FB-1-0?s_bl=1&a=Ab/cd+ef");
    }

    @Test
    void appMayHaveSeveralPathSegments() {
        RtmpUrl url = RtmpUrl.parse("rtmp://h/app/instance/key");

        assertThat(url.app()).isEqualTo("app/instance");
        assertThat(url.streamName()).isEqualTo("key");
    }

    @Test
    void tcUrlHasSchemeHostPortAndAppButNoKey() {
        assertThat(RtmpUrl.parse("rtmps://h/app/secret").tcUrl()).isEqualTo("rtmps://h:443/app");
    }

    @Test
    void toStringMasksTheKey() {
        assertThat(RtmpUrl.parse("rtmp://h:1935/app/secret?x=1").toString())
                .isEqualTo("rtmp://h:1935/app/****")
                .doesNotContain("secret");
    }

    @Test
    void otherSchemesAreRefusedWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> RtmpUrl.parse("srt://h/app/secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("srt://").hasMessageNotContaining("secret");
    }

    @Test
    void urlWithoutAKeyIsRefused() {
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h/app")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/<app>/<stream key>");
    }

    @Test
    void badPortIsRefused() {
        assertThatThrownBy(() -> RtmpUrl.parse("rtmp://h:99x/app/k")).isInstanceOf(IllegalArgumentException.class);
    }
}
