package dev.castrelay.relay.transcode;

import dev.castrelay.config.Defaults;
import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FlvFile;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An audio-only broadcast (a phone line, a Space, a radio studio) still goes out as live video: the transcoded
 * rendition shows the slate at its frame rate with the live audio, in one publish, because platforms such as
 * Facebook refuse a stream without video.
 */
class AudioOnlyTest {

    private static final String KEY = "audio-only-e2e";
    private static final int SECONDS = 15;

    @Test
    void audioOnlyIngestReachesThePlatformAsVideoWithTheLiveAudio() throws Exception {
        Path recording;
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                    .rendition("main", "width: 640, height: 360, fps: 30, bitrate: 600k, keyframeSeconds: 2, "
                            + "preset: ultrafast")
                    .target("platform", "main", sink.url(), "main-key").load())) {
                String url = "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + KEY;
                Process phone = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t",
                        Integer.toString(SECONDS), "-c:a", "aac", "-b:a", "128k", "-f", "flv", url)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
                try {
                    RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
                    assertThat(relay.health().renditions().get(0).reason()).isEqualTo("no video in the ingest");
                    assertThat(phone.waitFor(SECONDS + 30, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
                    assertThat(phone.exitValue()).as("ffmpeg's exit code").isZero();
                } finally {
                    phone.destroyForcibly();
                }
                RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
                // An encoder with a picture replaces it: the picture takes over in the same publish.
                try (FfmpegPublisher camera = FfmpegPublisher.builder().size(640, 360).duration(Duration.ofSeconds(4))
                        .publish(url)) {
                    RenditionStates.await(relay, RenditionState.ENCODING, Duration.ofSeconds(5));
                    assertThat(relay.health().renditions().get(0).reason()).isNull();
                    camera.awaitExit(Duration.ofSeconds(20));
                }
            }
            sink.awaitPublishSessions(1, Duration.ofSeconds(20));
            assertThat(sink.publishSessions()).as("publishes at the platform").isEqualTo(1);
            recording = sink.awaitRecording(Duration.ofSeconds(20));
            MediaInfo got = Ffprobe.probe(recording);
            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(got.video().frames()).as("video frames during %d s of audio and 4 s of video at 30 fps",
                    SECONDS).isGreaterThanOrEqualTo((int) ((14.5 + 3.5) * 30));
            assertThat(got.audio().packets()).as("AAC frames (1024 samples at 48 kHz)")
                    .isGreaterThanOrEqualTo((int) (14.5 * 48_000 / 1024));
            assertThat(meanVolumeDb(recording)).as("the live tone, not silence").isGreaterThan(-40.0);
        }
    }

    /**
     * An encoder whose picture freezes while its sound goes on (video tags stop for 4 s, audio continues): within
     * {@code failover.lossMillis} + 1 s the rendition shows the slate with the live audio, saying why, and the
     * picture returns at its next keyframe, all in one publish with no gap in the video.
     */
    @Test
    void aFrozenPictureGivesWayToTheSlateWithTheLiveAudioUntilItReturns(@TempDir Path dir) throws Exception {
        long freezeAt = 3_000;
        long thawAt = 7_000;
        List<FlvFile.Tag> tags = FlvFile.read(FfmpegPublisher.builder().size(640, 360).gopSeconds(1)
                        .duration(Duration.ofSeconds(10)).writeFlv(dir.resolve("camera.flv"))).stream()
                .filter(t -> !(t.isAvcFrame() && t.timestamp() >= freezeAt && t.timestamp() < thawAt))
                .toList();
        assertThat(tags.stream().filter(t -> t.isAvcFrame() && t.timestamp() >= thawAt).findFirst().orElseThrow()
                .isKeyframe()).as("the picture returns on a keyframe").isTrue();
        AtomicLong frozeAtNanos = new AtomicLong();
        Path recording;
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                    .rendition("main", "width: 640, height: 360, fps: 30, bitrate: 600k, keyframeSeconds: 2, "
                            + "preset: ultrafast")
                    .target("platform", "main", sink.url(), "main-key").load());
                 ReplayPublisher camera = ReplayPublisher.start(TranscodeEndToEndTest.ingestUrl(relay, KEY), tags,
                         (tag, nanos) -> {
                             if (tag.isAvcFrame() && tag.timestamp() < freezeAt) {
                                 frozeAtNanos.set(nanos);
                             }
                         })) {
                RenditionStates.await(relay, RenditionState.ENCODING, Duration.ofSeconds(10));
                RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(6));
                double slateAfter = (System.nanoTime() - frozeAtNanos.get()) / 1e9;
                System.out.printf("frozen picture: slate on air %.2f s after the last picture%n", slateAfter);
                assertThat(slateAfter).as("seconds to the slate").isLessThan(Defaults.FAILOVER_LOSS_MILLIS / 1000.0 + 1);
                assertThat(relay.health().renditions().get(0).reason()).isEqualTo("ingest video frozen");
                RenditionStates.await(relay, RenditionState.ENCODING, Duration.ofSeconds(6));
                camera.finished().get(20, TimeUnit.SECONDS);
            }
            sink.awaitPublishSessions(1, Duration.ofSeconds(20));
            assertThat(sink.publishSessions()).as("publishes at the platform").isEqualTo(1);
            recording = sink.awaitRecording(Duration.ofSeconds(20));
            MediaInfo got = Ffprobe.probe(recording);
            assertThat(got.video().frames()).as("video frames through 10 s with a 4 s freeze, at 30 fps")
                    .isGreaterThanOrEqualTo((int) (9.5 * 30));
            assertThat(meanVolumeDb(recording)).as("the live tone throughout").isGreaterThan(-40.0);
            assertThat(Ffprobe.decodeErrors(recording)).isEmpty();
        }
    }

    /** ffmpeg's volumedetect mean volume of the recording's audio, in dB. */
    private static double meanVolumeDb(Path file) {
        String err = Processes.run(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-nostats", "-i", file.toString(),
                "-vn", "-af", "volumedetect", "-f", "null", "-").requireSuccess().stderr();
        Matcher m = Pattern.compile("mean_volume: (-?[0-9.]+) dB").matcher(err);
        assertThat(m.find()).as("volumedetect output:%n%s", err).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
