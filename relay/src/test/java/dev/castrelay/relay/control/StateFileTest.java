package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.config.ArchiveConfig;
import dev.castrelay.config.Defaults;
import dev.castrelay.config.IngestConfig;
import dev.castrelay.config.Platform;
import dev.castrelay.config.QueueConfig;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.ingest.InputRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The state file: atomic owner-only writes, what a restart restores, and a corrupt file refused untouched. */
class StateFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static TargetConfig target(String id, String key) {
        return TestRelay.target(id, "rtmp://127.0.0.1:" + TestRelay.closedPort() + "/live", key);
    }

    private Path stateFile() {
        return dir.resolve("relay-state.json");
    }

    private List<String> ids(TestRelay relay) {
        return relay.service().relay().targets().configs().stream().map(TargetConfig::id).toList();
    }

    @Test
    void aChangeIsWrittenBeforeTheApiAnswers() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, target("a", "key-a"))) {
            assertThat(stateFile()).doesNotExist();

            assertThat(relay.send("POST", "/api/v1/targets",
                    "{\"id\": \"b\", \"url\": \"rtmp://127.0.0.1:9/x\", \"key\": \"key-b\"}").statusCode())
                    .isEqualTo(201);

            // No waiting: the answer came after the file was renamed into place.
            JsonNode saved = JSON.readTree(stateFile().toFile());
            assertThat(saved.path("targets").findValuesAsText("id")).containsExactly("a", "b");
            assertThat(saved.path("addedAtRuntime").toString()).isEqualTo("[\"b\"]");
            assertThat(saved.path("targets").get(1).path("key").asText()).isEqualTo("key-b");
        }
    }

    @Test
    void theFileIsReadableByItsOwnerOnlyAndNoTemporaryIsLeft() throws Exception {
        StateFile file = new StateFile(stateFile());
        Files.writeString(stateFile(), "{}");
        Files.setPosixFilePermissions(stateFile(), PosixFilePermissions.fromString("rw-r--r--"));

        file.save(List.of(target("a", "key-a")), Set.of(), Set.of(), null);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateFile()))).isEqualTo("rw-------");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("relay-state.json");
        }
        assertThat(JSON.readTree(stateFile().toFile()).path("format").asInt()).isEqualTo(StateFile.FORMAT);
    }

    @Test
    void theOperatorsPinOfTheIngestInputSurvivesARestart() throws Exception {
        RelayConfig single = TestRelay.config(dir, false);
        RelayConfig config = new RelayConfig(new IngestConfig("127.0.0.1:0", "live", TestRelay.INGEST_KEY,
                Defaults.rtmpLimits(), "backup-key-5e0c", null), single.control(), single.stateFile(), single.slate(),
                null, single.renditions(), List.of());
        try (TestRelay relay = TestRelay.start(config)) {
            assertThat(relay.send("PUT", "/api/v1/ingest/active", "{\"input\": \"backup\"}").statusCode())
                    .isEqualTo(200);
        }
        assertThat(JSON.readTree(stateFile().toFile()).path("ingest").path("pin").asText()).isEqualTo("backup");
        try (TestRelay relay = TestRelay.start(config)) {
            assertThat(JSON.readTree(relay.get("/api/v1/health").body()).path("ingest").path("mode").asText())
                    .as("the pin after a restart").isEqualTo("pinned");
            relay.send("PUT", "/api/v1/ingest/active", "{\"input\": \"auto\"}");
        }
        assertThat(JSON.readTree(stateFile().toFile()).path("ingest").isMissingNode()).as("auto: no pin saved")
                .isTrue();
        try (TestRelay relay = TestRelay.start(config)) {
            assertThat(JSON.readTree(relay.get("/api/v1/health").body()).path("ingest").path("mode").asText())
                    .isEqualTo("auto");
        }
    }

    @Test
    void aPinThatIsNotAnInputIsRefused() throws Exception {
        Files.writeString(stateFile(), "{\"format\": 1, \"targets\": [], \"ingest\": {\"pin\": \"tertiary\"}}");
        assertThatThrownBy(() -> new StateFile(stateFile()).resolve(TestRelay.config(dir, false)))
                .hasMessageContaining("'ingest.pin' is \"tertiary\", expected \"primary\" or \"backup\"");
    }

    @Test
    void aRestartComesBackWithTheSameTargets() {
        TargetConfig a = target("a", "key-a");
        TargetConfig b = target("b", "key-b");
        TargetConfig c = target("c", "key-c");
        RelayConfig config = TestRelay.config(dir, false, a, b, c);
        try (TestRelay relay = TestRelay.start(config)) {
            relay.send("POST", "/api/v1/targets",
                    "{\"id\": \"d\", \"url\": \"rtmp://127.0.0.1:9/x\", \"key\": \"k-d\"}");
            relay.send("DELETE", "/api/v1/targets/b", null);
            relay.send("PATCH", "/api/v1/targets/c", "{\"enabled\": false}");
            relay.send("PATCH", "/api/v1/targets/d", "{\"enabled\": false}");
        }

        try (TestRelay again = TestRelay.start(config)) {
            assertThat(ids(again)).containsExactly("a", "c", "d");
            assertThat(again.service().relay().targets().configs()).extracting(TargetConfig::enabled)
                    .containsExactly(true, false, false);
            assertThat(again.service().relay().targets().configs().get(2).key()).isEqualTo("k-d");
        }
    }

    @Test
    void configTargetsTakeTheConfigsDefinitionAndNewOnesAreAdded() {
        try (TestRelay relay = TestRelay.start(TestRelay.config(dir, false, target("a", "old-key")))) {
            relay.send("PATCH", "/api/v1/targets/a", "{\"enabled\": false}");
        }

        // The operator rotated a's key in the config and added e.
        RelayConfig edited = TestRelay.config(dir, false, target("a", "new-key"), target("e", "key-e"));
        try (TestRelay again = TestRelay.start(edited)) {
            List<TargetConfig> targets = again.service().relay().targets().configs();
            assertThat(targets).extracting(TargetConfig::id).containsExactly("a", "e");
            assertThat(targets.get(0).key()).isEqualTo("new-key");
            assertThat(targets.get(0).enabled()).isFalse();
        }
    }

    @Test
    void aTargetReAddedAfterRemovalComesBack() {
        RelayConfig config = TestRelay.config(dir, false, target("a", "key-a"));
        try (TestRelay relay = TestRelay.start(config)) {
            relay.send("DELETE", "/api/v1/targets/a", null);
            relay.send("POST", "/api/v1/targets",
                    "{\"id\": \"a\", \"url\": \"rtmp://127.0.0.1:9/y\", \"key\": \"k2\"}");
        }
        try (TestRelay again = TestRelay.start(config)) {
            assertThat(again.service().relay().targets().configs()).singleElement()
                    .satisfies(t -> assertThat(t.key()).isEqualTo("k2"));
        }
    }

    @Test
    void aCorruptFileIsRefusedAndLeftAsItIs() throws Exception {
        String corrupt = "{\"format\": 1, \"targets\": [ {\"id\": \"a\", \"key\": \"half-written-key";
        Files.writeString(stateFile(), corrupt);

        assertThatThrownBy(() -> TestRelay.start(dir, target("a", "key-a")))
                .isInstanceOf(ControlException.class)
                .hasMessageContaining(stateFile().toString())
                .hasMessageContaining("not valid JSON at line 1")
                .hasMessageContaining("did not start")
                .hasMessageNotContaining("half-written-key");
        assertThat(Files.readString(stateFile(), StandardCharsets.UTF_8)).isEqualTo(corrupt);
    }

    @Test
    void aFileWithAnInvalidTargetIsRefusedNamingTheProblem() throws Exception {
        String invalid = "{\"format\": 1, \"targets\": [ {\"id\": \"a\", \"platform\": \"myspace\"} ],"
                + " \"addedAtRuntime\": [\"a\"]}";
        Files.writeString(stateFile(), invalid);

        assertThatThrownBy(() -> new StateFile(stateFile()).resolve(TestRelay.config(dir, false)))
                .isInstanceOf(ControlException.class)
                .hasMessageContaining("targets[id=a].platform");
        assertThat(Files.readString(stateFile())).isEqualTo(invalid);
    }

    @Test
    void aListOfIdsOfAnotherShapeIsRefusedByItsPlaceWithoutQuotingIt() throws Exception {
        Files.writeString(stateFile(), "{\"format\": 1, \"targets\": [], \"addedAtRuntime\": [[\"key-9f2c\"]]}");

        assertThatThrownBy(() -> new StateFile(stateFile()).resolve(TestRelay.config(dir, false)))
                .isInstanceOf(ControlException.class).hasMessageContaining("'addedAtRuntime[0]'")
                .hasMessageNotContaining("key-9f2c");
    }

    @Test
    void aFileOfAnotherShapeIsRefused() throws Exception {
        Files.writeString(stateFile(), "[1, 2, 3]");
        assertThatThrownBy(() -> new StateFile(stateFile()).resolve(TestRelay.config(dir, false)))
                .isInstanceOf(ControlException.class).hasMessageContaining("expected a JSON object");

        Files.writeString(stateFile(), "{\"format\": 7, \"targets\": []}");
        assertThatThrownBy(() -> new StateFile(stateFile()).resolve(TestRelay.config(dir, false)))
                .isInstanceOf(ControlException.class).hasMessageContaining("\"format\": 1");
    }

    @Test
    void aFileOfThePreviousVersionLoadsAndIsWrittenBackTheSame() throws Exception {
        String archive = dir.resolve("archive").toUri().toString();
        Files.createDirectories(dir.resolve("archive"));
        // As the version before the records wrote it, field for field.
        String previous = """
                {
                  "format" : 1,
                  "savedAt" : "2026-04-20T17:00:00.123456Z",
                  "targets" : [ {
                    "id" : "a",
                    "platform" : "custom",
                    "url" : "rtmp://127.0.0.1:9/live",
                    "key" : "key-a",
                    "rendition" : "source",
                    "enabled" : false,
                    "queue" : {
                      "maxMillis" : 4000,
                      "maxBytes" : 33554432,
                      "stallSeconds" : 12
                    },
                    "reconnect" : {
                      "maxSeconds" : 4,
                      "refusedMaxSeconds" : 40,
                      "maxRefusals" : 6
                    }
                  }, {
                    "id" : "rec",
                    "platform" : "archive",
                    "url" : "%s",
                    "rendition" : "source",
                    "enabled" : true,
                    "queue" : {
                      "maxMillis" : 8000,
                      "maxBytes" : 67108864,
                      "stallSeconds" : 10
                    },
                    "segmentMinutes" : 0.5,
                    "minFreeMB" : 64
                  } ],
                  "addedAtRuntime" : [ "a" ],
                  "removedFromConfig" : [ "b" ],
                  "ingest" : {
                    "pin" : "backup"
                  }
                }""".formatted(archive);
        Files.writeString(stateFile(), previous);

        TargetConfig rec = new TargetConfig("rec", Platform.ARCHIVE, archive, null, "source", true, null,
                new QueueConfig(8000, 67108864, 10), null, new ArchiveConfig(0.5, 64));
        StateFile file = new StateFile(stateFile());
        StateFile.Resolved resolved = file.resolve(TestRelay.config(dir, false, rec, target("b", "key-b")));
        assertThat(resolved.targets()).extracting(TargetConfig::id).containsExactly("a", "rec");
        assertThat(resolved.removedFromConfig()).containsExactly("b");
        assertThat(resolved.targets().get(0).reconnect().maxRefusals()).isEqualTo(6);
        assertThat(resolved.targets().get(1).archive().segmentMinutes()).isEqualTo(0.5);
        assertThat(resolved.inputPin()).isEqualTo(InputRole.BACKUP);

        file.save(resolved.targets(), Set.of("a"), resolved.removedFromConfig(), resolved.inputPin());
        JsonNode written = JSON.readTree(stateFile().toFile());
        assertThat(Instant.parse(written.path("savedAt").asText())).isAfter(Instant.parse("2026-04-20T17:00:00Z"));
        ((ObjectNode) written).remove("savedAt");
        ObjectNode expected = (ObjectNode) JSON.readTree(previous);
        expected.remove("savedAt");
        assertThat(written).isEqualTo(expected);
        assertThat(Files.readString(stateFile()).replaceAll("\"savedAt\" : \"[^\"]+\"", ""))
                .isEqualTo(previous.replaceAll("\"savedAt\" : \"[^\"]+\"", ""));
    }
}
