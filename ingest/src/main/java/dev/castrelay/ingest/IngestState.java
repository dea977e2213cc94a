package dev.castrelay.ingest;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The ingest's state as the health document names it. */
public enum IngestState {
    /** No publisher yet. */
    WAITING,
    LIVE,
    /** The publisher went away. */
    LOST;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
