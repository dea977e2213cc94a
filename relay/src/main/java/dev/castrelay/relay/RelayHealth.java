package dev.castrelay.relay;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.transcoder.RenditionHealth;

import java.util.List;

/**
 * The health document: {@code status} in the monitoring-plugin words PRODUCT.md uses: {@code ok} (ingest live,
 * every enabled target live, every rendition keeping up), {@code critical} (no input live, even while the slate is
 * on air, or no target live) or {@code warning} (anything else: a target degraded or reconnecting, a rendition
 * below real time). {@code alerts}: each alert endpoint's delivery (empty without {@code alerts}); it does not
 * change the status, which is about the broadcast.
 */
public record RelayHealth(String status, IngestHealth ingest, List<RenditionHealth> renditions,
                          List<TargetHealth> targets, List<AlertHealth> alerts) {

    public RelayHealth {
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** Without alert endpoints. */
    public RelayHealth(String status, IngestHealth ingest, List<RenditionHealth> renditions,
                       List<TargetHealth> targets) {
        this(status, ingest, renditions, targets, List.of());
    }

    public static final String OK = "ok";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";
}
