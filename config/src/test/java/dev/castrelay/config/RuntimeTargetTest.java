package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Targets added while live, as the control API posts them. */
class RuntimeTargetTest {

    private final RelayConfig running = Yaml.valid();

    @Test
    void validTargetIsAcceptedWithDefaults() {
        TargetResult result = ConfigLoader.readTarget(
                "{\"id\": \"fb\", \"platform\": \"facebook\", \"key\": \"FB-1?s=2\"}", running);

        TargetConfig fb = result.orThrow();
        assertThat(fb.url()).isEqualTo("rtmps://live-api-s.facebook.com:443/rtmp/");
        assertThat(fb.rendition()).isEqualTo("main");
        assertThat(fb.queue()).isEqualTo(Defaults.queue());
        assertThat(fb.publishUrl()).isEqualTo("rtmps://live-api-s.facebook.com:443/rtmp/FB-1?s=2");
    }

    @Test
    void problemsArePathedByTheTargetId() {
        TargetResult result = ConfigLoader.readTarget(
                "{\"id\": \"fb\", \"platform\": \"facebook\", \"url\": \"rtmp://live-api-s.facebook.com/rtmp/\","
                        + " \"key\": \"FB-1\"}", running);

        assertThat(result.usable()).isFalse();
        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("targets[id=fb].url: facebook accepts only rtmps:// URLs");
    }

    @Test
    void duplicateIdIsRefused() {
        TargetResult result = ConfigLoader.readTarget(
                "{\"id\": \"yt\", \"platform\": \"youtube\", \"key\": \"other\"}", running);

        assertThat(result.errors()).extracting(Problem::path).containsExactly("targets[id=yt].id");
    }

    @Test
    void unknownRenditionAndUnknownKeyAreBothListed() {
        TargetResult result = ConfigLoader.readTarget(
                "{\"id\": \"tw\", \"platform\": \"twitch\", \"key\": \"k\", \"rendition\": \"hd\", \"keey\": 1}", running);

        assertThat(result.errors()).extracting(Problem::path)
                .containsExactlyInAnyOrder("targets[id=tw].keey", "targets[id=tw].rendition");
    }

    @Test
    void noSubstitutionFromTheApiSoCallersCannotReadTheHostEnvironment() {
        TargetResult result = ConfigLoader.readTarget(
                "{\"id\": \"c\", \"url\": \"rtmp://evil.example/live/\", \"key\": \"${env:HOME}\"}", running);

        assertThat(result.orThrow().key()).isEqualTo("${env:HOME}");
    }

    @Test
    void targetBuiltInCodeIsCheckedByTheSameRules() {
        TargetConfig noKey = new TargetConfig("ig", Platform.INSTAGRAM, null, null, "main", true, null,
                Defaults.queue());

        assertThat(ConfigValidator.validateNewTarget(running, noKey)).extracting(Problem::toString).containsExactly(
                "targets[id=ig].url: required: instagram issues a URL per broadcast (rtmps://...fbcdn.net:443/rtmp/)",
                "targets[id=ig].key: required: instagram needs a stream key, e.g. key: ${env:INSTAGRAM_KEY}");
    }

    @Test
    void malformedJsonIsOneProblem() {
        assertThat(ConfigLoader.readTarget("{\"id\": ", running).errors()).singleElement().asString()
                .startsWith("not valid JSON");
    }
}
