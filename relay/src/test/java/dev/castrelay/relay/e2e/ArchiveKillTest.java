package dev.castrelay.relay.e2e;

import dev.castrelay.relay.control.TestRelay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.FPS;
import static dev.castrelay.relay.e2e.ArchiveEndToEndTest.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay killed mid-stream (SIGKILL: no shutdown hook, no trailer, nothing flushed on the way out) leaves an archive
 * file that plays up to its last seconds: MPEG-TS needs no index at the end, and every packet is handed to the
 * kernel as it is muxed.
 */
class ArchiveKillTest {

    private static final Logger log = LoggerFactory.getLogger(ArchiveKillTest.class);
    private static final Duration RECORDED = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aRelayKilledMidStreamLeavesAFileThatPlaysUpToItsLastSeconds() throws Exception {
        int ingestPort = TestRelay.closedPort();
        int controlPort = TestRelay.closedPort();
        Path archive = Files.createDirectory(dir.resolve("archive"));
        try (NginxRtmpSink platform = NginxRtmpSink.start()) {
            Path config = Files.writeString(dir.resolve("relay.yaml"), "ingest:\n"
                    + "  listen: 127.0.0.1:" + ingestPort + "\n  streamKey: kill-ingest-key\n"
                    + "control:\n  listen: 127.0.0.1:" + controlPort + "\n  token: kill-token-17\n"
                    + "stateFile: " + dir.resolve("state.json") + "\n"
                    + "renditions:\n  source: { passthrough: true }\n"
                    + "targets:\n"
                    + "  - { id: platform, url: " + platform.url() + ", key: kill-key, rendition: source }\n"
                    + "  - { id: archive, platform: archive, url: \"" + archive.toUri() + "\", rendition: source }\n");
            Process relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.castrelay.relay.cli.Main", "run", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("run.log"))
                        .contains("ingest listening"));
                try (FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).fps(FPS).gopSeconds(1)
                        .untilStopped().publish("rtmp://127.0.0.1:" + ingestPort + "/live/kill-ingest-key")) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> files(archive).size() == 1);
                    long recordingSince = System.nanoTime();
                    Thread.sleep(RECORDED.toMillis());

                    relay.destroyForcibly(); // SIGKILL
                    assertThat(relay.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    double recorded = (System.nanoTime() - recordingSince) / 1e9;

                    List<Path> files = files(archive);
                    assertThat(files).hasSize(1);
                    MediaInfo got = Ffprobe.probe(files.get(0));
                    List<String> errors = Ffprobe.decodeErrors(files.get(0));
                    log.info("{} s recorded before SIGKILL; the file holds {} s, {} frames; decode errors: {}",
                            recorded, got.durationSeconds(), got.video().frames(), errors);
                    assertThat(got.video().codec()).isEqualTo("h264");
                    assertThat(got.audio().codec()).isEqualTo("aac");
                    // Up to its last seconds: what the relay received in the last second may not have reached the
                    // file (the encoder's own buffering, the hub, the writer's queue).
                    assertThat(got.durationSeconds()).as("seconds in the file, of %.1f recorded", recorded)
                            .isCloseTo(recorded, Offset.offset(2.0));
                    assertThat(got.video().frames()).as("frames in the file")
                            .isGreaterThanOrEqualTo((int) ((recorded - 2) * FPS));
                    assertThat(errors).as("decode errors").isEmpty();
                }
            } finally {
                relay.destroyForcibly();
            }
        }
    }
}
