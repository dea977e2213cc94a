package dev.castrelay.relay.control;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /metrics}, read with a strict exposition-format parser rather than by string matching. */
class MetricsTest {

    private static final String[] TARGET_FAMILIES = {"castrelay_target_state", "castrelay_target_bitrate_kbps",
        "castrelay_target_fps", "castrelay_target_queue_seconds", "castrelay_target_sent_bytes_total",
        "castrelay_target_dropped_frames_total", "castrelay_target_reconnects_total"};

    @TempDir
    static Path dir;
    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.start(dir, TestRelay.target("alpha", "rtmp://127.0.0.1:" + TestRelay.closedPort() + "/a",
                "key-metrics-alpha"));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static Map<String, PrometheusText.Family> scrape() {
        var res = relay.get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        return PrometheusText.parse(res.body());
    }

    @Test
    void everyTargetHasItsStateBytesBitrateQueueDropsAndReconnects() {
        Map<String, PrometheusText.Family> m = scrape();

        Map<String, String> alpha = Map.of("target", "alpha", "platform", "custom", "rendition", "source");
        assertThat(m.get("castrelay_target_state").type()).isEqualTo("gauge");
        assertThat(m.get("castrelay_target_state").sample(Map.of("target", "alpha", "state", "waiting")).value())
                .isEqualTo(1.0);
        assertThat(m.get("castrelay_target_state").samples().stream()
                .filter(s -> s.labels().get("target").equals("alpha")).mapToDouble(PrometheusText.Sample::value)
                .sum()).isEqualTo(1.0);
        assertThat(m.get("castrelay_target_sent_bytes_total").type()).isEqualTo("counter");
        assertThat(m.get("castrelay_target_sent_bytes_total").sample(alpha).value()).isZero();
        assertThat(m.get("castrelay_target_bitrate_kbps").sample(alpha).value()).isZero();
        assertThat(m.get("castrelay_target_queue_seconds").sample(alpha).value()).isZero();
        assertThat(m.get("castrelay_target_dropped_frames_total").type()).isEqualTo("counter");
        assertThat(m.get("castrelay_target_reconnects_total").sample(alpha).value()).isZero();
    }

    @Test
    void ingestFiguresAndJvmMetricsAreThere() {
        Map<String, PrometheusText.Family> m = scrape();

        assertThat(m.get("castrelay_ingest_state").sample(Map.of("state", "waiting")).value()).isEqualTo(1.0);
        assertThat(m.get("castrelay_ingest_state").sample(Map.of("state", "live")).value()).isZero();
        assertThat(m).containsKeys("castrelay_ingest_bitrate_kbps", "castrelay_ingest_fps",
                "castrelay_ingest_keyframe_interval_seconds", "jvm_memory_used_bytes", "jvm_threads_live_threads",
                "process_uptime_seconds");
    }

    @Test
    void targetsAddedAndRemovedAtRuntimeComeAndGoFromTheScrape() {
        relay.send("POST", "/api/v1/targets", "{\"id\": \"beta\", \"url\": \"rtmp://127.0.0.1:9/b\", \"key\": \"kb\"}");
        relay.send("PATCH", "/api/v1/targets/beta", "{\"enabled\": false}");

        Map<String, PrometheusText.Family> added = scrape();
        assertThat(added.get("castrelay_target_state").sample(Map.of("target", "beta", "state", "disabled"))
                .value()).isEqualTo(1.0);
        for (String family : TARGET_FAMILIES) {
            assertThat(added.get(family).samples()).as(family)
                    .anyMatch(s -> s.labels().get("target").equals("beta"));
        }

        relay.send("DELETE", "/api/v1/targets/beta", null);

        Map<String, PrometheusText.Family> removed = scrape();
        for (String family : TARGET_FAMILIES) {
            assertThat(removed.get(family).samples()).as(family)
                    .noneMatch(s -> s.labels().get("target").equals("beta"))
                    .anyMatch(s -> s.labels().get("target").equals("alpha"));
        }
    }

    @Test
    void theParserRefusesWhatIsNotTheFormat() {
        assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("without a TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"b} 1\n"))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("not a float");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("duplicate");
    }
}
