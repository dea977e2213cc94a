package dev.castrelay.relay.control;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import dev.castrelay.targets.TargetHealth;

import java.util.Collection;
import java.util.List;

/**
 * A target as {@code /api/v1/targets} shows it: its entry of the health document's {@code targets} (URL masked,
 * key never) with {@code enabled} after it.
 */
public record TargetView(@JsonUnwrapped TargetHealth health, boolean enabled) {

    /** The answer of {@code GET /api/v1/targets}: {@code {"targets": [...]}}. */
    public record Listing(List<TargetView> targets) {
    }

    /** {@code health} with its {@code lastError} scrubbed of {@code secrets}. */
    static TargetView of(TargetHealth health, boolean enabled, Collection<String> secrets) {
        return new TargetView(HealthDocument.redacted(health, secrets), enabled);
    }

    /**
     * Reads one target as the API answers it (Jackson reads no unwrapped component into a record, so the health
     * entry and {@code enabled} are read apart).
     *
     * @throws IllegalArgumentException saying which field is missing or of the wrong kind
     */
    public static TargetView fromJson(JsonNode node) {
        TargetHealth health = HealthDocument.read(node, TargetHealth.class);
        JsonNode enabled = node.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw new IllegalArgumentException("at 'enabled': expected true or false");
        }
        return new TargetView(health, enabled.booleanValue());
    }
}
