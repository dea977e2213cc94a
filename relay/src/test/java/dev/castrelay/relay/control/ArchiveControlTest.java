package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.castrelay.config.ArchiveConfig;
import dev.castrelay.config.Defaults;
import dev.castrelay.config.Platform;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.relay.cli.HealthTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An archive target through the control API: in the health document, {@code /metrics} and {@code relay health} like
 * any target; enabled, disabled and restarted like one; added at runtime only into a directory the config file
 * already records into.
 */
class ArchiveControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path archive;
    private TestRelay relay;

    @BeforeEach
    void start() throws Exception {
        archive = Files.createDirectory(dir.resolve("archive"));
        relay = TestRelay.start(TestRelay.config(dir, false, new TargetConfig("rec", Platform.ARCHIVE,
                archive.toUri().toString(), null, "source", true, null, Defaults.queue(), null,
                ArchiveConfig.defaults())));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void theArchiveShowsInTheHealthDocumentMetricsAndTheHealthTable() throws Exception {
        JsonNode rec = JSON.readTree(relay.get("/api/v1/targets/rec").body());
        assertThat(rec.path("platform").asText()).isEqualTo("archive");
        assertThat(rec.path("url").asText()).isEqualTo(archive.toUri().toString());
        assertThat(rec.path("state").asText()).isEqualTo("waiting");

        JsonNode health = JSON.readTree(relay.get("/api/v1/health").body());
        assertThat(health.path("targets").get(0).path("platform").asText()).isEqualTo("archive");

        String metrics = relay.get("/metrics").body();
        assertThat(metrics).contains("castrelay_target_state{platform=\"archive\",rendition=\"source\","
                + "state=\"waiting\",target=\"rec\"} 1.0");
        assertThat(metrics).contains("castrelay_target_sent_bytes_total{platform=\"archive\"");

        String table = HealthTable.render(relay.service().relay().health(), false, Instant.now());
        assertThat(table).containsPattern("rec +archive +source +waiting");
    }

    @Test
    void anArchiveIsDisabledEnabledAndRestartedLikeAnyTarget() throws Exception {
        assertThat(relay.send("PATCH", "/api/v1/targets/rec", "{\"enabled\": false}").statusCode()).isEqualTo(200);
        await().until(() -> state("rec").equals("disabled"));
        assertThat(relay.send("PATCH", "/api/v1/targets/rec", "{\"enabled\": true}").statusCode()).isEqualTo(200);
        await().until(() -> state("rec").equals("waiting"));
        assertThat(relay.send("POST", "/api/v1/targets/rec/restart", null).statusCode()).isLessThan(300);
        assertThat(relay.send("DELETE", "/api/v1/targets/rec", null).statusCode()).isLessThan(300);
        assertThat(relay.get("/api/v1/targets/rec").statusCode()).isEqualTo(404);
    }

    @Test
    void anArchiveAddedAtRuntimeMayRecordWhereTheConfigFileRecords() throws Exception {
        HttpResponse<String> res = relay.send("POST", "/api/v1/targets", "{\"id\": \"rec2\", \"platform\": "
                + "\"archive\", \"url\": \"" + archive.toUri() + "\", \"segmentMinutes\": 10}");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        assertThat(state("rec2")).isEqualTo("waiting");
        JsonNode saved = JSON.readTree(Files.readString(dir.resolve("relay-state.json")));
        assertThat(saved.path("targets").get(1).path("segmentMinutes").asDouble()).isEqualTo(10.0);
    }

    @Test
    void anArchiveAddedAtRuntimeCannotWriteAnywhereElse() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));

        HttpResponse<String> res = relay.send("POST", "/api/v1/targets", "{\"id\": \"rec2\", \"platform\": "
                + "\"archive\", \"url\": \"" + elsewhere.toUri() + "\"}");

        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(res.body()).path("detail").asText()).contains("may only use a directory the config "
                + "file gives an archive target: " + archive.toUri());
        assertThat(relay.get("/api/v1/targets/rec2").statusCode()).isEqualTo(404);
        try (var files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    private String state(String id) throws Exception {
        return JSON.readTree(relay.get("/api/v1/targets/" + id).body()).path("state").asText();
    }
}
