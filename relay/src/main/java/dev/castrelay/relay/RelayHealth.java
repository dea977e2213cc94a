package dev.castrelay.relay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.transcoder.RenditionHealth;

import java.util.List;
import java.util.Locale;

/**
 * The health document (PRODUCT.md), component for component: {@code status}, {@code ingest}, {@code renditions},
 * {@code targets} and {@code alerts}, each endpoint's delivery (empty without {@code alerts}, and then not in the
 * document at all; it does not change the status, which is about the broadcast).
 */
public record RelayHealth(@JsonProperty(required = true) Status status,
                          @JsonProperty(required = true) IngestHealth ingest, List<RenditionHealth> renditions,
                          List<TargetHealth> targets,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AlertHealth> alerts) {

    /**
     * In the monitoring-plugin words PRODUCT.md uses, which are also {@code relay health}'s exit codes.
     */
    public enum Status {
        /** Ingest live, every enabled target live, every rendition keeping up. */
        OK,
        /** Anything else: a target degraded or reconnecting, a rendition below real time, the program on backup. */
        WARNING,
        /** No input live (even while the slate is on air), or no target live. */
        CRITICAL;

        /** {@code ok}, {@code warning} or {@code critical}, as JSON, the dashboard and metrics spell it. */
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RelayHealth {
        renditions = renditions == null ? List.of() : List.copyOf(renditions);
        targets = targets == null ? List.of() : List.copyOf(targets);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** Without alert endpoints. */
    public RelayHealth(Status status, IngestHealth ingest, List<RenditionHealth> renditions,
                       List<TargetHealth> targets) {
        this(status, ingest, renditions, targets, List.of());
    }
}
