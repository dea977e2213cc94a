package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
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
                Processes.run(Duration.ofSeconds(SECONDS + 30), "ffmpeg", "-hide_banner", "-loglevel", "error",
                        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t",
                        Integer.toString(SECONDS), "-c:a", "aac", "-b:a", "128k", "-f", "flv", url).requireSuccess();
                RenditionStates.await(relay, "slate", Duration.ofSeconds(5));
            }
            sink.awaitPublishSessions(1, Duration.ofSeconds(20));
            assertThat(sink.publishSessions()).as("publishes at the platform").isEqualTo(1);
            recording = sink.awaitRecording(Duration.ofSeconds(20));
            MediaInfo got = Ffprobe.probe(recording);
            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(got.video().frames()).as("video frames during %d s of audio at 30 fps", SECONDS)
                    .isGreaterThanOrEqualTo((int) (14.5 * 30));
            assertThat(got.audio().packets()).as("AAC frames (1024 samples at 48 kHz)")
                    .isGreaterThanOrEqualTo((int) (14.5 * 48_000 / 1024));
            assertThat(meanVolumeDb(recording)).as("the live tone, not silence").isGreaterThan(-40.0);
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
