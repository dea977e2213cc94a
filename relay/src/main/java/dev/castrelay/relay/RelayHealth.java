package dev.castrelay.relay;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.transcoder.RenditionHealth;

import java.util.List;

/**
 * The health document: {@code status} in the monitoring-plugin words PRODUCT.md uses: {@code ok} (ingest live,
 * every enabled target live, every rendition keeping up), {@code critical} (no input live, even while the slate is
 * on air, or no target live) or {@code warning} (anything else: a target degraded or reconnecting, a rendition
 * below real time).
 */
public record RelayHealth(String status, IngestHealth ingest, List<RenditionHealth> renditions,
                          List<TargetHealth> targets) {

    public static final String OK = "ok";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";
}
