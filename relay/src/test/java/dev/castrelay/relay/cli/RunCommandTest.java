package dev.castrelay.relay.cli;

import dev.castrelay.relay.control.TestRelay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code relay run} as a process: it serves the control API, and SIGTERM unpublishes every target, saves the
 * state, closes the API and exits 0 within a few seconds.
 */
class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void sigtermUnpublishesSavesAndExitsZero() throws Exception {
        int ingestPort = TestRelay.closedPort();
        int controlPort = TestRelay.closedPort();
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            Path config = Files.writeString(dir.resolve("relay.yaml"), "ingest:\n"
                    + "  listen: 127.0.0.1:" + ingestPort + "\n  streamKey: run-ingest-key\n"
                    + "control:\n  listen: 127.0.0.1:" + controlPort + "\n  token: run-token-81\n"
                    + "stateFile: " + dir.resolve("state.json") + "\n"
                    + "renditions:\n  source: { passthrough: true }\n"
                    + "targets:\n  - { id: platform, url: " + sink.url() + ", key: run-key, rendition: source }\n");
            Process relay = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.castrelay.relay.cli.Main", "run", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile())
                    .start();
            try {
                String control = "http://127.0.0.1:" + controlPort;
                await().atMost(Duration.ofSeconds(30)).until(() -> listening(controlPort));
                try (FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).untilStopped()
                        .publish("rtmp://127.0.0.1:" + ingestPort + "/live/run-ingest-key")) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> CliRun.run(Map.of("RELAY_TOKEN",
                            "run-token-81"), "health", "--control", control).code() == HealthCommand.OK);
                    assertThat(sink.publishSessions()).isZero();

                    long start = System.nanoTime();
                    relay.destroy(); // SIGTERM

                    assertThat(relay.waitFor(8, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("run.log")))
                            .isTrue();
                    assertThat(relay.exitValue()).isZero();
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
                    // nginx writes a session's access-log line when the publisher leaves.
                    sink.awaitPublishSessions(1, Duration.ofSeconds(5));
                    assertThat(listening(controlPort)).isFalse();
                    assertThat(dir.resolve("state.json")).doesNotExist();
                    assertThat(Files.readString(dir.resolve("run.log"))).contains("unpublishing").contains("stopped")
                            .doesNotContain("run-key").doesNotContain("run-token-81");
                }
            } finally {
                relay.destroyForcibly();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
