package dev.castrelay.relay.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.cli.HealthTable;
import dev.castrelay.relay.control.HealthDocument;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Alert delivery as the health document, the CLI's table and the API's readers show it. */
class AlertHealthViewsTest {

    private static final Instant NOW = Instant.parse("2026-04-20T17:00:00Z");
    private static final AlertHealth OK = new AlertHealth("alerts[0]", "https://hooks.example.com/services/****",
            AlertHealth.State.OK, 4, 0, 0, 0, null);
    private static final AlertHealth FAILING = new AlertHealth("alerts[1]", "http://10.0.0.9:9093/****",
            AlertHealth.State.FAILING, 1, 7, 2, 5, "connection refused by 10.0.0.9:9093 (token tok-77)");

    private static RelayHealth health(List<AlertHealth> alerts) {
        return new RelayHealth(RelayHealth.Status.OK, new IngestHealth(IngestState.LIVE, NOW, null, null, 0, "primary", "auto",
                List.of()), List.of(), List.of(), alerts);
    }

    @Test
    void theDocumentListsEachEndpointAndReadsBackTheSame() {
        ObjectNode doc = HealthDocument.toJson(health(List.of(OK, FAILING)), List.of("tok-77"));

        assertThat(doc.path("alerts").get(1).toString()).isEqualTo("{\"endpoint\":\"alerts[1]\","
                + "\"url\":\"http://10.0.0.9:9093/****\",\"state\":\"failing\",\"sent\":1,\"failed\":7,"
                + "\"dropped\":2,\"queued\":5,\"lastError\":\"connection refused by 10.0.0.9:9093 (token ****)\"}");
        assertThat(HealthDocument.fromJson(doc).alerts()).containsExactly(OK, new AlertHealth("alerts[1]",
                "http://10.0.0.9:9093/****", AlertHealth.State.FAILING, 1, 7, 2, 5,
                "connection refused by 10.0.0.9:9093 (token ****)"));
    }

    @Test
    void withoutAlertsTheDocumentHasNoAlertsField() {
        ObjectNode doc = HealthDocument.toJson(health(List.of()), List.of());

        assertThat(doc.has("alerts")).isFalse();
        assertThat(HealthDocument.fromJson(doc).alerts()).isEmpty();
    }

    @Test
    void theTableHasALineForAFailingEndpointOnly() {
        AlertHealth hung = new AlertHealth("alerts[1]", "http://10.0.0.9:9093/****", AlertHealth.State.FAILING, 1, 7, 2, 5,
                "no answer from 10.0.0.9:9093 within 5000 ms");

        String table = HealthTable.render(health(List.of(OK, hung)), false, NOW);

        assertThat(table).contains("ALERTS alerts[1] http://10.0.0.9:9093/**** failing: 5 queued, 2 dropped, "
                + "1 sent; last error: no answer from 10.0.0.9:9093 within 5000 ms");
        assertThat(table).doesNotContain("alerts[0]");
    }
}
