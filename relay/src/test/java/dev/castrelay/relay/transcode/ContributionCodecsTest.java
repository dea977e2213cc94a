package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HEVC and AV1 from an encoder that speaks Enhanced RTMP (FFmpeg 7.1's program; OBS 30+ does the same) are decoded
 * and reach the platforms as the rendition's H.264, never as the slate; the health names the ingest's codec.
 */
class ContributionCodecsTest {

    private static final String KEY = "contribution-codecs";
    private static final Duration PUBLISHED = Duration.ofSeconds(8);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hevc", "av1"})
    void enhancedRtmpIngestIsTranscodedToH264(String codec) throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            long slateFrames;
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                    .rendition("main", "width: 640, height: 360, fps: 30, bitrate: 800k, keyframeSeconds: 2, "
                            + "preset: ultrafast")
                    .target("platform", "main", sink.url(), "main-key").load());
                 FfmpegPublisher publisher = FfmpegPublisher.builder().size(640, 360).fps(30).duration(PUBLISHED)
                         .videoCodec(codec).videoBitrateKbps(800)
                         .publish("rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + KEY)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.health().ingest().video() != null);
                assertThat(relay.health().ingest().video().codec()).isEqualTo(codec);
                Thread.sleep(PUBLISHED.toMillis() / 2); // well into the broadcast, before the encoder ends it
                slateFrames = relay.health().renditions().stream().mapToLong(RenditionHealth::slateFrames).sum();
                assertThat(publisher.awaitExit(PUBLISHED.plusSeconds(40))).as(publisher.stderrTail()).isZero();
                RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
            }
            MediaInfo got = Ffprobe.probe(sink.awaitRecording(Duration.ofSeconds(10)));
            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(slateFrames).as("slate frames while the %s encoder was publishing", codec).isZero();
            assertThat(got.video().frames()).as("frames transcoded from %s", codec)
                    .isGreaterThan((int) (PUBLISHED.toSeconds() * 30 * 0.8));
        }
    }
}
