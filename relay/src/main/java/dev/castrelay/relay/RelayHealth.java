package dev.castrelay.relay;

import dev.castrelay.relay.ingest.IngestHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.transcoder.RenditionHealth;

import java.util.List;

/**
 * The health document: {@code status} is {@code ok} (ingest live, every enabled target live), {@code down}
 * (ingest down, or no target live) or {@code degraded} (anything else).
 */
public record RelayHealth(String status, IngestHealth ingest, List<RenditionHealth> renditions,
                          List<TargetHealth> targets) {
}
