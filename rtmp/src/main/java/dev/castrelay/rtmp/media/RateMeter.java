package dev.castrelay.rtmp.media;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bitrate and video frame rate of a media flow over a sliding window (a {@link SlidingWindow} of bytes and
 * frames): what the health document reports for the ingest, each rendition and each target. Threading as
 * {@link SlidingWindow}: one writer that neither allocates nor locks, readers on any thread.
 */
public final class RateMeter {

    private static final int BYTES = 0;
    private static final int FRAMES = 1;

    private final SlidingWindow window;

    public RateMeter(Duration window) {
        this.window = new SlidingWindow(2, window);
    }

    /** A meter over {@code nanoClock} (tests drive time by hand). */
    public RateMeter(Duration window, LongSupplier nanoClock) {
        this.window = new SlidingWindow(2, window, nanoClock);
    }

    /** {@code bytes} sent or received now, one of them a video frame when {@code videoFrame}. Writer only. */
    public void record(int bytes, boolean videoFrame) {
        window.add(BYTES, bytes);
        if (videoFrame) {
            window.add(FRAMES, 1);
        }
    }

    /** Forgets everything: the figures start again from this moment. Writer only. */
    public void reset() {
        window.reset();
    }

    /** Kilobits per second (1000 bits), rounded. */
    public long bitrateKbps() {
        return Math.round(window.perSecond(BYTES) * 8 / 1000);
    }

    /** Video frames per second, unrounded. */
    public double fps() {
        return window.perSecond(FRAMES);
    }
}
