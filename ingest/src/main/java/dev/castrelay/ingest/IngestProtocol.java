package dev.castrelay.ingest;

import java.util.Locale;

/** How an input's encoder reaches the relay: RTMP over TCP, or MPEG-TS over SRT (UDP with retransmission). */
public enum IngestProtocol {
    RTMP,
    SRT;

    /** {@code rtmp} or {@code srt}, as the health document names it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
