package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The health document's JSON: the contract's field names and shapes, written and read back by Jackson. */
class HealthDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SINCE = Instant.parse("2026-04-20T17:00:00Z");
    private static final IngestHealth.Video VIDEO = new IngestHealth.Video("h264", 1920, 1080, 30.0, 2.0);
    private static final TargetHealth YOUTUBE = new TargetHealth("youtube", "youtube", "main",
            "rtmps://a.rtmps.youtube.com:443/live2/****", TargetState.LIVE, SINCE, 6050, 30.0, 40, 0, 0, 123456789,
            null, null);
    private static final TargetHealth TWITCH = new TargetHealth("twitch", "twitch", "main",
            "rtmp://live.twitch.tv/app/****", TargetState.RECONNECTING, SINCE.plusSeconds(90), 0, 0, 0, 12, 3, 4096,
            "refused: bad key live_1234_secret", 2500L);

    private static RelayHealth health() {
        IngestHealth ingest = new IngestHealth(IngestState.LIVE, SINCE, VIDEO, new IngestHealth.Audio("aac", 48000, 2),
                6100, "primary", "auto", List.of(
                new IngestHealth.Input("primary", IngestState.LIVE, "rtmp", VIDEO, 6100, SINCE),
                new IngestHealth.Input("backup", IngestState.WAITING, "srt", null, 0, SINCE.plusSeconds(5))));
        return new RelayHealth(RelayHealth.Status.WARNING, ingest, List.of(
                new RenditionHealth("main", RenditionState.ENCODING, 30.0, 6000, 1.9, 0, 1, false, null),
                new RenditionHealth("vertical", RenditionState.SLATE, 30.0, 2500, 2.4, 0, 0, false, "ingest lost")),
                List.of(YOUTUBE, TWITCH), List.of(new AlertHealth("alerts[0]", "https://hooks.example.com/****",
                AlertHealth.State.FAILING, 1, 2, 0, 1, "HTTP 500 for live_1234_secret")));
    }

    @Test
    void theWholeDocumentKeepsTheShapeOfThePreviousVersion() {
        // Written by the field-by-field mapping this replaced, for the same health: the API is a contract.
        String previous = "{\"status\":\"warning\",\"ingest\":{\"state\":\"live\",\"since\":\"2026-04-20T17:00:00Z\","
                + "\"active\":\"primary\",\"mode\":\"auto\",\"inputs\":[{\"role\":\"primary\",\"state\":\"live\","
                + "\"protocol\":\"rtmp\",\"video\":{\"codec\":\"h264\",\"width\":1920,\"height\":1080,\"fps\":30.0,"
                + "\"keyframeIntervalSec\":2.0},\"bitrateKbps\":6100,\"since\":\"2026-04-20T17:00:00Z\"},"
                + "{\"role\":\"backup\",\"state\":\"waiting\",\"protocol\":\"srt\",\"video\":null,\"bitrateKbps\":0,"
                + "\"since\":\"2026-04-20T17:00:05Z\"}],\"video\":{\"codec\":\"h264\",\"width\":1920,\"height\":1080,"
                + "\"fps\":30.0,\"keyframeIntervalSec\":2.0},\"audio\":{\"codec\":\"aac\",\"sampleRate\":48000,"
                + "\"channels\":2},\"bitrateKbps\":6100},\"renditions\":[{\"id\":\"main\",\"state\":\"encoding\","
                + "\"fps\":30.0,\"bitrateKbps\":6000,\"speed\":1.9,\"droppedFrames\":1},{\"id\":\"vertical\","
                + "\"state\":\"slate\",\"fps\":30.0,\"bitrateKbps\":2500,\"speed\":2.4,\"droppedFrames\":0,"
                + "\"reason\":\"ingest lost\"}],\"targets\":[{\"id\":\"youtube\",\"platform\":\"youtube\","
                + "\"rendition\":\"main\",\"url\":\"rtmps://a.rtmps.youtube.com:443/live2/****\",\"state\":\"live\","
                + "\"since\":\"2026-04-20T17:00:00Z\",\"bitrateKbps\":6050,\"fps\":30.0,\"queueMs\":40,"
                + "\"droppedFrames\":0,\"reconnects\":0,\"bytesSent\":123456789,\"lastError\":null,"
                + "\"nextRetryInMs\":null},{\"id\":\"twitch\",\"platform\":\"twitch\",\"rendition\":\"main\","
                + "\"url\":\"rtmp://live.twitch.tv/app/****\",\"state\":\"reconnecting\","
                + "\"since\":\"2026-04-20T17:01:30Z\",\"bitrateKbps\":0,\"fps\":0.0,\"queueMs\":0,"
                + "\"droppedFrames\":12,\"reconnects\":3,\"bytesSent\":4096,\"lastError\":\"refused: bad key ****\","
                + "\"nextRetryInMs\":2500}],\"alerts\":[{\"endpoint\":\"alerts[0]\","
                + "\"url\":\"https://hooks.example.com/****\",\"state\":\"failing\",\"sent\":1,\"failed\":2,"
                + "\"dropped\":0,\"queued\":1,\"lastError\":\"HTTP 500 for ****\"}]}";

        assertThat(HealthDocument.toJson(health(), List.of("live_1234_secret")).toString()).isEqualTo(previous);
    }

    @Test
    void statesStatusesAndTimesAreTheContractsWords() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());

        assertThat(doc.path("status").asText()).isEqualTo("warning");
        assertThat(doc.path("ingest").path("state").asText()).isEqualTo("live");
        assertThat(doc.path("ingest").path("since").asText()).isEqualTo("2026-04-20T17:00:00Z");
        assertThat(doc.path("ingest").path("inputs").get(1).path("state").asText()).isEqualTo("waiting");
        assertThat(doc.path("renditions").get(1).path("state").asText()).isEqualTo("slate");
        assertThat(doc.path("targets").get(1).path("state").asText()).isEqualTo("reconnecting");
        assertThat(doc.path("alerts").get(0).path("state").asText()).isEqualTo("failing");
    }

    @Test
    void aTargetEntryHasTheContractsFieldsInItsOrder() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());

        assertThat(doc.path("targets").get(0).toString()).isEqualTo("{\"id\":\"youtube\",\"platform\":\"youtube\","
                + "\"rendition\":\"main\",\"url\":\"rtmps://a.rtmps.youtube.com:443/live2/****\",\"state\":\"live\","
                + "\"since\":\"2026-04-20T17:00:00Z\",\"bitrateKbps\":6050,\"fps\":30.0,\"queueMs\":40,"
                + "\"droppedFrames\":0,\"reconnects\":0,\"bytesSent\":123456789,\"lastError\":null,"
                + "\"nextRetryInMs\":null}");
    }

    @Test
    void aRenditionShowsItsReasonOnlyWhenItHasOneAndNeitherSlateFramesNorSlow() {
        RelayHealth h = health();
        RenditionHealth counted = new RenditionHealth("main", RenditionState.ENCODING, 24.0, 6000, 0.8, 250, 3, true,
                null);
        ObjectNode doc = HealthDocument.toJson(new RelayHealth(h.status(), h.ingest(), List.of(counted,
                h.renditions().get(1)), h.targets()), List.of());

        assertThat(doc.path("renditions").get(0).toString()).isEqualTo("{\"id\":\"main\",\"state\":\"encoding\","
                + "\"fps\":24.0,\"bitrateKbps\":6000,\"speed\":0.8,\"droppedFrames\":3}");
        assertThat(doc.path("renditions").get(1).path("reason").asText()).isEqualTo("ingest lost");
    }

    @Test
    void errorTextsAreScrubbedOfSecrets() {
        String doc = HealthDocument.toJson(health(), List.of("live_1234_secret")).toString();

        assertThat(doc).doesNotContain("live_1234_secret").contains("refused: bad key ****")
                .contains("HTTP 500 for ****");
    }

    @Test
    void theDocumentReadsBackIntoTheSameRecords() {
        assertThat(HealthDocument.fromJson(HealthDocument.toJson(health(), List.of()))).isEqualTo(health());
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());
        ((ObjectNode) doc.path("ingest").path("inputs").get(1)).remove("since");

        assertThatThrownBy(() -> HealthDocument.fromJson(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingest.inputs[1]").hasMessageContaining("'since'");
    }

    @Test
    void aNullStateIsRefusedNamingIt() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());
        ((ObjectNode) doc.path("targets").get(1)).putNull("state");

        assertThatThrownBy(() -> HealthDocument.fromJson(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets[1].state");
    }

    @Test
    void aStateOutsideTheContractIsRefused() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());
        doc.put("status", "fine");

        assertThatThrownBy(() -> HealthDocument.fromJson(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("status").hasMessageContaining("fine");
    }

    @Test
    void aDocumentWithoutIngestIsRefused() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());
        doc.remove("ingest");

        assertThatThrownBy(() -> HealthDocument.fromJson(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ingest'");
        assertThatThrownBy(() -> HealthDocument.fromJson(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a JSON object");
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingCountsReadAsZero() {
        ObjectNode doc = HealthDocument.toJson(health(), List.of());
        doc.put("newerField", 1);
        ((ObjectNode) doc.path("targets").get(0)).remove("bytesSent");

        assertThat(HealthDocument.fromJson(doc).targets().get(0).bytesSent()).isZero();
    }

    @Test
    void aTargetViewIsItsHealthEntryThenEnabled() throws Exception {
        TargetView view = TargetView.of(TWITCH, false, List.of("live_1234_secret"));
        JsonNode json = HealthDocument.JSON.valueToTree(view);

        ObjectNode expected = (ObjectNode) HealthDocument.toJson(health(), List.of("live_1234_secret"))
                .path("targets").get(1);
        expected.put("enabled", false);
        assertThat(json.toString()).isEqualTo(expected.toString());
        assertThat(TargetView.fromJson(JSON.readTree(json.toString()))).isEqualTo(view);
    }
}
