package dev.castrelay.config;

import java.util.List;
import java.util.Map;

/**
 * The whole of {@code relay.yaml} after substitution and defaults: what the relay runs with.
 *
 * @param renditions in file order (a {@link java.util.LinkedHashMap})
 */
public record RelayConfig(
        IngestConfig ingest,
        ControlConfig control,
        String stateFile,
        SlateConfig slate,
        TlsConfig tls,
        Map<String, RenditionConfig> renditions,
        List<TargetConfig> targets) {
}
