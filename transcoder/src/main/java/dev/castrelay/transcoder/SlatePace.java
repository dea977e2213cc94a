package dev.castrelay.transcoder;

/**
 * When each slate frame is due while the ingest is away: the slate is paced by the wall clock from the last real
 * frame, so the output stays in step with real time, catching up at most {@link #CATCH_UP_NANOS} of the time it
 * took to notice the loss.
 *
 * <p>Confined to its rendition's thread, like the {@link RenditionStream} that owns it.
 */
final class SlatePace {

    /** The slate catches up at most this much of the wall-clock time it took to notice the loss. */
    static final long CATCH_UP_NANOS = 1_000_000_000L;

    private long anchorWallNanos;
    private double anchorMs;
    private double startMs;

    /**
     * The slate goes on air at output time {@code nextFrameMs}; the ingest's last frame was at {@code lastIngestMs}
     * on the output clock, seen at {@code lastIngestWallNanos}; {@code lastFrameMs} is the last frame put out.
     */
    void start(long lastIngestWallNanos, double lastIngestMs, double lastFrameMs, double nextFrameMs,
               long nowNanos) {
        anchorWallNanos = Math.max(lastIngestWallNanos, nowNanos - CATCH_UP_NANOS);
        anchorMs = Math.max(lastIngestMs, lastFrameMs);
        startMs = nextFrameMs;
    }

    /** The wall-clock time ({@link System#nanoTime()}) the frame at output time {@code frameMs} is due. */
    long dueNanos(double frameMs) {
        return anchorWallNanos + Math.round((frameMs - anchorMs) * 1e6);
    }

    /** Output time the slate went on air at. */
    double startMs() {
        return startMs;
    }

    /** How long the slate has been on air when the output clock stands at {@code nowMs}. */
    double onAirMs(double nowMs) {
        return nowMs - startMs;
    }
}
