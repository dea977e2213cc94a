package dev.castrelay.transcoder;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A rendition's state, named as the health document names it. */
public enum RenditionState {
    /** Nothing to encode yet, or stopped after the slate's maximum. */
    IDLE,
    /** Encoding the ingest's picture. */
    ENCODING,
    /** Encoding the slate: the ingest is lost, has no video, or its picture froze ({@code reason} says which). */
    SLATE;

    /** The lower-case name used in JSON, metrics and logs. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
