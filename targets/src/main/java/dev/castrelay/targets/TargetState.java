package dev.castrelay.targets;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A target's state, named as the health document names it. */
public enum TargetState {
    /** Enabled, nothing to send yet. */
    WAITING,
    CONNECTING,
    LIVE,
    /** Connected but falling behind: queue over its soft limit or frames dropped in the last 10 s. */
    DEGRADED,
    /** Waiting for the next attempt ({@code nextRetryInMs}). */
    RECONNECTING,
    /** Stopped retrying, e.g. the platform rejected the key; {@code lastError} says why. */
    FAILED,
    DISABLED;

    /** The lower-case name used in JSON, the CLI and logs. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
