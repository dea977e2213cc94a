package dev.castrelay.config;

/**
 * What the slate shows of the live audio while it stands in for a picture the ingest does not send (an audio-only
 * broadcast, a frozen encoder): viewers see the broadcast is live.
 */
public enum AudioVisual {
    /** The slate alone. */
    NONE,
    /** The sound's waveform across the bottom of the picture. */
    WAVES,
    /** A level meter across the bottom of the picture. */
    METER
}
