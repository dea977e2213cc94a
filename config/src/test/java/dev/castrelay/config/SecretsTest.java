package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    private static TargetConfig target(String url, String key) {
        return new TargetConfig("t", Platform.CUSTOM, url, key, "main", true, null, Defaults.queue());
    }

    @Test
    void keyIsAppendedAfterTheLastSlash() {
        assertThat(target("rtmps://live-api-s.facebook.com:443/rtmp/", "FB-1").publishUrl())
                .isEqualTo("rtmps://live-api-s.facebook.com:443/rtmp/FB-1");
    }

    @Test
    void slashIsInsertedWhenTheUrlHasNone() {
        assertThat(target("rtmps://a.rtmps.youtube.com:443/live2", "abcd-efgh").publishUrl())
                .isEqualTo("rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh");
    }

    @Test
    void keyWithAQueryStringIsAppendedUntouched() {
        String key = "FB-123?s_bl=1&s_psm=1&s_sc=99&s_sw=0&s_vt=api-s&a=Abc%2Fde";

        assertThat(target("rtmps://live-api-s.facebook.com:443/rtmp/", key).publishUrl())
                .isEqualTo("rtmps://live-api-s.facebook.com:443/rtmp/" + key);
    }

    @Test
    void platformDefaultUrlIsUsedWhenNoneIsGiven() {
        TargetConfig yt = new TargetConfig("yt", Platform.YOUTUBE, null, "k-1", "main", true, null, Defaults.queue());

        assertThat(yt.publishUrl()).isEqualTo("rtmps://a.rtmps.youtube.com:443/live2/k-1");
    }

    @Test
    void maskedUrlShowsTheUrlWithTheKeyMasked() {
        TargetConfig yt = new TargetConfig("yt", Platform.YOUTUBE, null, "k-1", "main", true, null, Defaults.queue());

        assertThat(yt.maskedUrl()).isEqualTo("rtmps://a.rtmps.youtube.com:443/live2/****");
    }

    @Test
    void maskedUrlHidesAKeyThatHoldsASlash() {
        assertThat(target("rtmp://h/app/", "part/secret").maskedUrl()).isEqualTo("rtmp://h/app/****");
    }

    @Test
    void maskUrlMasksTheLastPathSegment() {
        assertThat(Secrets.maskUrl("rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh-ijkl"))
                .isEqualTo("rtmps://a.rtmps.youtube.com:443/live2/****");
    }

    @Test
    void maskUrlMasksAKeyWithAQueryString() {
        assertThat(Secrets.maskUrl("rtmps://live-api-s.facebook.com:443/rtmp/FB-1?s_sw=0&a=b"))
                .isEqualTo("rtmps://live-api-s.facebook.com:443/rtmp/****");
    }

    @Test
    void maskUrlMasksUserInfo() {
        assertThat(Secrets.maskUrl("rtmp://user:pass@host:1935/live/"))
                .isEqualTo("rtmp://****@host:1935/live/");
    }

    @Test
    void maskUrlLeavesAUrlWithoutKeyAlone() {
        assertThat(Secrets.maskUrl("rtmp://va.pscp.tv:80/x/")).isEqualTo("rtmp://va.pscp.tv:80/x/");
    }

    @Test
    void redactReplacesEverySecretInText() {
        assertThat(Secrets.redact("NetStream.Publish.BadName: abc-123 is in use", List.of("abc-123")))
                .isEqualTo("NetStream.Publish.BadName: **** is in use");
    }

    @Test
    void toStringNeverContainsKeysOrTokens() {
        RelayConfig config = Yaml.valid();

        assertThat(config.toString())
                .doesNotContain(Yaml.INGEST_KEY, Yaml.TOKEN, Yaml.YT_KEY)
                .contains("streamKey=****", "token=****", "key=****");
    }

    @Test
    void toStringMasksAKeyCarriedInACustomUrl() {
        assertThat(target("rtmp://host/live/embedded-secret", null).toString()).doesNotContain("embedded-secret");
    }

    @Test
    void problemsAndExceptionsNeverQuoteKeysOrUrls() {
        // A URL carrying the key and a key with a stray space: both refused, neither quoted.
        String yaml = Yaml.MINIMAL.replace("platform: youtube",
                "platform: facebook\n    url: rtmp://live-api-s.facebook.com/rtmp/yt-secret-3")
                .replace("key: yt-secret-3", "key: \"yt-secret-3 \"");
        LoadResult result = Yaml.load(yaml);

        assertThat(result.errors()).hasSize(2);
        String everything = result.problems().toString() + new ConfigException(result.problems()).getMessage();
        assertThat(everything).doesNotContain(Yaml.YT_KEY);
    }
}
