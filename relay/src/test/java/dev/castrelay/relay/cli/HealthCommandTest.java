package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.castrelay.relay.control.TestRelay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code relay health}'s monitoring-plugin exit codes, each situation made real: ffmpeg publishing into the
 * relay, nginx-rtmp as the platform, a target at a closed port for "reconnecting".
 */
class HealthCommandTest {

    private static final Map<String, String> ENV = Map.of("RELAY_TOKEN", TestRelay.TOKEN);

    @TempDir
    static Path dir;
    static NginxRtmpSink sink;
    static TestRelay relay;
    static FfmpegPublisher encoder;

    @BeforeAll
    static void goLive() {
        sink = NginxRtmpSink.start();
        relay = TestRelay.start(dir, TestRelay.target("platform", sink.url(), "sink-key-2a"));
        encoder = FfmpegPublisher.builder().size(640, 360).untilStopped().publish(relay.ingestUrl());
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.get("/api/v1/health").body()
                .contains("\"status\":\"ok\""));
    }

    @AfterAll
    static void stop() {
        if (encoder != null) {
            encoder.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    private static CliRun health(String url, Map<String, String> env, String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "health";
        args[1] = "--control";
        args[2] = url;
        System.arraycopy(extra, 0, args, 3, extra.length);
        return CliRun.run(env, args);
    }

    @Test
    void allLiveIsOk() {
        CliRun r = health(relay.url(), ENV);

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(HealthCommand.OK);
        assertThat(r.out()).contains("STATUS OK").contains("INGEST live").contains("h264 640x360")
                .containsPattern("platform +custom +source +live");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void oneTargetReconnectingIsWarning() {
        relay.send("POST", "/api/v1/targets", "{\"id\": \"dead\", \"url\": \"rtmp://127.0.0.1:"
                + TestRelay.closedPort() + "/live\", \"key\": \"k\"}");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.get("/api/v1/targets/dead").body()
                    .contains("\"state\":\"reconnecting\""));

            CliRun r = health(relay.url(), ENV);

            assertThat(r.code()).as(r.out()).isEqualTo(HealthCommand.WARNING);
            assertThat(r.out()).contains("STATUS WARNING").containsPattern("dead +custom +source +reconnecting");
        } finally {
            relay.send("DELETE", "/api/v1/targets/dead", null);
        }
    }

    @Test
    void ingestDownIsCritical() {
        try (TestRelay idle = TestRelay.start(dir.resolve("idle"), TestRelay.target("t", sink.url(), "k2"))) {
            CliRun r = health(idle.url(), ENV);

            assertThat(r.code()).isEqualTo(HealthCommand.CRITICAL);
            assertThat(r.out()).contains("STATUS CRITICAL").contains("INGEST waiting");
        }
    }

    @Test
    void jsonPrintsTheHealthDocument() throws Exception {
        CliRun r = health(relay.url(), ENV, "--json");

        assertThat(r.code()).isEqualTo(HealthCommand.OK);
        var doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.path("status").asText()).isEqualTo("ok");
        assertThat(doc.path("ingest").path("video").path("width").asInt()).isEqualTo(640);
    }

    @Test
    void aFailedReadingInWatchJsonIsOneJsonObjectInTheApisErrorShape() throws Exception {
        String detail = "relay: the relay at http://127.0.0.1:1 said \"no\"\tand\\left";

        var line = new ObjectMapper().readTree(HealthCommand.Unreachable.line(detail));

        assertThat(line.path("error").asText()).isEqualTo("unreachable");
        assertThat(line.path("detail").asText()).isEqualTo(detail);
    }

    @Test
    void aServerThatAnswersNoHealthDocumentIsUnknown() {
        try (WebhookReceiver notARelay = WebhookReceiver.start()) {
            CliRun r = health("http://127.0.0.1:" + notARelay.port(), ENV);

            assertThat(r.code()).as(r.err()).isEqualTo(HealthCommand.UNKNOWN);
            assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l)
                    .contains("did not answer a health document").contains("expected a JSON object"));
        }
    }

    @Test
    void anUnreachableRelayIsUnknown() {
        CliRun r = health("http://127.0.0.1:" + TestRelay.closedPort(), ENV);

        assertThat(r.code()).isEqualTo(HealthCommand.UNKNOWN);
        assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l).contains("cannot reach the relay"));
    }

    @Test
    void aBadTokenIsUnknown() {
        CliRun r = health(relay.url(), Map.of("RELAY_TOKEN", "not-the-token-99"));

        assertThat(r.code()).isEqualTo(HealthCommand.UNKNOWN);
        assertThat(r.err()).contains("refused the token").doesNotContain("not-the-token-99");
    }

    @Test
    void probeAnswersZeroWhileTheBroadcastIsCritical() {
        try (TestRelay idle = TestRelay.start(dir.resolve("idle-probe"), TestRelay.target("t", sink.url(), "k3"))) {
            CliRun r = health(idle.url(), ENV, "--probe");

            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(HealthCommand.OK);
            assertThat(r.out().lines()).singleElement().satisfies(l -> assertThat(l).contains("status CRITICAL"));
        }
    }

    @Test
    void probeOfAnUnreachableRelayIsUnknown() {
        CliRun r = health("http://127.0.0.1:" + TestRelay.closedPort(), ENV, "--probe");

        assertThat(r.code()).isEqualTo(HealthCommand.UNKNOWN);
        assertThat(r.err()).contains("cannot reach the relay");
    }

    @Test
    void probeWithABadTokenIsUnknown() {
        CliRun r = health(relay.url(), Map.of("RELAY_TOKEN", "not-the-token-98"), "--probe");

        assertThat(r.code()).isEqualTo(HealthCommand.UNKNOWN);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void probeGoesWithNeitherWatchNorJson() {
        CliRun r = health(relay.url(), ENV, "--probe", "--json");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--probe answers once");
    }
}
