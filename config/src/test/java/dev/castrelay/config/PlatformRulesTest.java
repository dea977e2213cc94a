package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformRulesTest {

    private static final AudioConfig AUDIO = Defaults.audio();
    private static final VideoConfig HD = Defaults.video(1920, 1080, 6_000_000);

    private static TargetConfig target(Platform platform, String url) {
        return new TargetConfig("t", platform, url, "k", "r", true, null, Defaults.queue());
    }

    private static RenditionConfig transcoded(VideoConfig video, AudioConfig audio) {
        return new RenditionConfig("r", false, video, audio);
    }

    private static List<Problem> check(Platform platform, String url, VideoConfig video, AudioConfig audio) {
        return PlatformRules.check("targets[0]", target(platform, url), transcoded(video, audio));
    }

    private static VideoConfig video(int width, int height, double fps, long bitrate, double keyframeSeconds) {
        return new VideoConfig("h264", width, height, Fit.CROP, fps, bitrate, keyframeSeconds, "veryfast", "high");
    }

    @Test
    void everyPresetAcceptsA1080p30Rendition() {
        for (Platform p : List.of(Platform.YOUTUBE, Platform.FACEBOOK, Platform.TWITTER, Platform.TWITCH)) {
            assertThat(check(p, p.defaultUrl(), HD, AUDIO)).as(p.id()).isEmpty();
        }
    }

    @Test
    void facebookWithRtmpIsAnError() {
        assertThat(check(Platform.FACEBOOK, "rtmp://live-api-s.facebook.com:80/rtmp/", HD, AUDIO))
                .containsExactly(Problem.error("targets[0].url", "facebook accepts only rtmps:// URLs"));
    }

    @Test
    void instagramWithRtmpIsAnError() {
        assertThat(check(Platform.INSTAGRAM, "rtmp://edgetee-upload.fbcdn.net/rtmp/", video(720, 1280, 30, 3_500_000, 2),
                AUDIO)).extracting(Problem::toString).containsExactly("targets[0].url: instagram accepts only rtmps:// URLs");
    }

    @Test
    void linkedinWithRtmpIsOnlyAWarning() {
        assertThat(check(Platform.LINKEDIN, "rtmp://x.linkedin.com/live/", HD, AUDIO))
                .containsExactly(Problem.warning("targets[0].url", "linkedin prefers rtmps:// URLs"));
    }

    @Test
    void keyframeIntervalOverTheMaximumIsAnError() {
        assertThat(check(Platform.YOUTUBE, Platform.YOUTUBE.defaultUrl(), video(1920, 1080, 30, 6_000_000, 5), AUDIO))
                .singleElement().satisfies(p -> {
                    assertThat(p.isError()).isTrue();
                    assertThat(p.path()).isEqualTo("targets[0].rendition");
                    assertThat(p.message()).isEqualTo("youtube accepts a keyframe at least every 4 s; "
                            + "renditions.r.video.keyframeSeconds is 5");
                });
    }

    @Test
    void keyframeIntervalOtherThanRecommendedIsAWarning() {
        assertThat(check(Platform.YOUTUBE, Platform.YOUTUBE.defaultUrl(), video(1920, 1080, 30, 6_000_000, 3), AUDIO))
                .singleElement().satisfies(p -> {
                    assertThat(p.isError()).isFalse();
                    assertThat(p.message()).startsWith("youtube recommends a keyframe every 2 s");
                });
    }

    @Test
    void xWarnsOnlyAboveThreeSecondKeyframes() {
        String url = Platform.TWITTER.defaultUrl();
        assertThat(check(Platform.TWITTER, url, video(1920, 1080, 30, 6_000_000, 3), AUDIO)).isEmpty();
        assertThat(check(Platform.TWITTER, url, video(1920, 1080, 30, 6_000_000, 4), AUDIO))
                .singleElement().extracting(Problem::isError).isEqualTo(false);
    }

    @Test
    void videoBitrateOverTheCapIsAnError() {
        assertThat(check(Platform.FACEBOOK, Platform.FACEBOOK.defaultUrl(), video(1920, 1080, 30, 12_000_000, 2),
                AUDIO)).extracting(Problem::toString).containsExactly(
                "targets[0].rendition: facebook accepts video up to 9000k; renditions.r.video.bitrate is 12000k");
    }

    @Test
    void fpsOverTheMaximumIsAnError() {
        assertThat(check(Platform.LINKEDIN, "rtmps://x.linkedin.com/live/", video(1920, 1080, 60, 6_000_000, 2),
                AUDIO)).singleElement().satisfies(p -> {
                    assertThat(p.isError()).isTrue();
                    assertThat(p.message()).isEqualTo("linkedin accepts at most 30 fps; renditions.r.video.fps is 60");
                });
    }

    @Test
    void resolutionOverTheMaximumIsAnError() {
        assertThat(check(Platform.FACEBOOK, Platform.FACEBOOK.defaultUrl(), video(3840, 2160, 30, 8_000_000, 2), AUDIO))
                .singleElement().extracting(Problem::isError).isEqualTo(true);
    }

    @Test
    void instagramWithoutNineBySixteenIsAWarning() {
        assertThat(check(Platform.INSTAGRAM, "rtmps://edgetee-upload.fbcdn.net:443/rtmp/", HD, AUDIO))
                .extracting(Problem::toString).containsExactly("targets[0].rendition: instagram expects 9:16 "
                        + "(720x1280 recommended); renditions.r.video is 1920x1080");
    }

    @Test
    void linkedinWithoutSixteenByNineIsAWarning() {
        assertThat(check(Platform.LINKEDIN, "rtmps://x.linkedin.com/live/", video(720, 1280, 30, 3_000_000, 2), AUDIO))
                .singleElement().satisfies(p -> {
                    assertThat(p.isError()).isFalse();
                    assertThat(p.message()).startsWith("linkedin expects 16:9");
                });
    }

    @Test
    void audioBitrateOver128kIsAWarningForFacebookAndX() {
        AudioConfig loud = new AudioConfig("aac", 192_000, 48_000, 2);
        for (Platform p : List.of(Platform.FACEBOOK, Platform.TWITTER)) {
            assertThat(check(p, p.defaultUrl().replace("rtmp://", "rtmps://"), HD, loud)).as(p.id())
                    .singleElement().satisfies(problem -> {
                        assertThat(problem.isError()).isFalse();
                        assertThat(problem.message()).isEqualTo(p.id() + " takes audio up to 128k; "
                                + "renditions.r.audio.bitrate is 192k");
                    });
        }
    }

    @Test
    void monoAudioIsAWarningForFacebook() {
        assertThat(check(Platform.FACEBOOK, Platform.FACEBOOK.defaultUrl(), HD, new AudioConfig("aac", 96_000, 48_000, 1)))
                .singleElement().extracting(Problem::message).asString().startsWith("facebook expects stereo audio");
    }

    @Test
    void passthroughRenditionGetsOneWarningThatTheEncoderDecides() {
        List<Problem> problems = PlatformRules.check("targets[0]", target(Platform.YOUTUBE, Platform.YOUTUBE.defaultUrl()),
                new RenditionConfig("source", true, null, null));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.message()).contains("passthrough").contains("encoder");
        });
    }

    @Test
    void customTargetHasNoMediaRules() {
        assertThat(check(Platform.CUSTOM, "rtmp://127.0.0.1/live/", video(3840, 2160, 120, 50_000_000, 10), AUDIO))
                .isEmpty();
    }

    @Test
    void onlyCustomTargetsAndTheArchiveMayGoWithoutAKey() {
        for (Platform p : Platform.values()) {
            assertThat(PlatformRules.of(p).needsKey()).as(p.id()).isEqualTo(p != Platform.CUSTOM
                    && p != Platform.ARCHIVE);
        }
    }

    @Test
    void platformRuleErrorsMakeTheFileUnusable() {
        LoadResult result = Yaml.load(Yaml.minimalWith("platform: youtube",
                "platform: facebook\n    url: rtmp://live-api-s.facebook.com:80/rtmp/"));

        assertThat(result.usable()).isFalse();
        assertThat(result.errors()).extracting(Problem::toString)
                .containsExactly("targets[0].url: facebook accepts only rtmps:// URLs");
    }
}
