package dev.castrelay.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole of {@code relay.yaml} after substitution and defaults: what the relay runs with. Immutable: the
 * collections are unmodifiable copies; runtime changes make a new config ({@link #withTargets}).
 *
 * @param tls        global extra trust for {@code rtmps://}, used by targets that have none of their own
 * @param renditions in file order (a {@link java.util.LinkedHashMap})
 * @param reconnect  how targets without their own {@code reconnect} retry
 * @param alerts     the webhook endpoints told about outages, in file order (empty: none)
 */
public record RelayConfig(
        IngestConfig ingest,
        ControlConfig control,
        String stateFile,
        SlateConfig slate,
        TlsConfig tls,
        Map<String, RenditionConfig> renditions,
        List<TargetConfig> targets,
        ReconnectConfig reconnect,
        List<AlertConfig> alerts) {

    public RelayConfig {
        reconnect = reconnect == null ? Defaults.reconnect() : reconnect;
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        renditions = renditions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(renditions));
        targets = targets == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(targets));
    }

    /** Without alerts. */
    public RelayConfig(IngestConfig ingest, ControlConfig control, String stateFile, SlateConfig slate, TlsConfig tls,
                       Map<String, RenditionConfig> renditions, List<TargetConfig> targets,
                       ReconnectConfig reconnect) {
        this(ingest, control, stateFile, slate, tls, renditions, targets, reconnect, null);
    }

    /** With the default {@code reconnect}, without alerts. */
    public RelayConfig(IngestConfig ingest, ControlConfig control, String stateFile, SlateConfig slate, TlsConfig tls,
                       Map<String, RenditionConfig> renditions, List<TargetConfig> targets) {
        this(ingest, control, stateFile, slate, tls, renditions, targets, null, null);
    }

    /** How {@code target} retries: its own {@code reconnect}, else the relay's. */
    public ReconnectConfig reconnectFor(TargetConfig target) {
        return target.reconnect() != null ? target.reconnect() : reconnect;
    }

    public Optional<TargetConfig> target(String id) {
        return targets.stream().filter(t -> t.id() != null && t.id().equals(id)).findFirst();
    }

    public Optional<RenditionConfig> rendition(String id) {
        return Optional.ofNullable(id == null ? null : renditions.get(id));
    }

    /** The trust a target's TLS connection adds: its own {@code tls}, else the global one (may be null). */
    public TlsConfig tlsFor(TargetConfig target) {
        return target.tls() != null ? target.tls() : tls;
    }

    /** The trust an alert endpoint's HTTPS adds: its own {@code tls}, else the global one (may be null). */
    public TlsConfig tlsFor(AlertConfig alert) {
        return alert.tls() != null ? alert.tls() : tls;
    }

    public RelayConfig withTargets(List<TargetConfig> newTargets) {
        return new RelayConfig(ingest, control, stateFile, slate, tls, renditions, newTargets, reconnect, alerts);
    }

    public RelayConfig withAlerts(List<AlertConfig> newAlerts) {
        return new RelayConfig(ingest, control, stateFile, slate, tls, renditions, targets, reconnect, newAlerts);
    }
}
