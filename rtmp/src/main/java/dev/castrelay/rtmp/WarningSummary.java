package dev.castrelay.rtmp;

import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * One kind of warning that a flood cannot multiply: the first {@link #BURST} of a window are logged as they are, the
 * rest are counted and summarised in one line when the window ends ({@code ... and 9,412 more like it in the last
 * 60 s}). A thousand hostile connections then cost the log a screenful a minute, and the line an operator needs
 * stays visible; an occasional problem is logged in full.
 *
 * <p>Thread-safe: connections on every event loop report to the same summary.
 */
public final class WarningSummary {

    /** Warnings a window logs in full before it starts counting. */
    static final int BURST = 20;

    private final Logger log;
    private final String kind;
    private final long windowNanos;
    private long windowStart;
    private boolean windowOpen;
    private int logged;
    private long suppressed;

    /** @param kind what the summarised warnings are, for the summary line, e.g. "refused ingest connections" */
    public WarningSummary(Logger log, String kind, long window, TimeUnit unit) {
        this.log = log;
        this.kind = kind;
        this.windowNanos = unit.toNanos(window);
    }

    public void warn(String format, Object... args) {
        synchronized (this) {
            long now = System.nanoTime();
            if (!windowOpen || now - windowStart >= windowNanos) {
                windowOpen = true;
                windowStart = now;
                logged = 0;
            }
            if (logged >= BURST) {
                if (suppressed++ == 0) {
                    // The summary is due when the window ends, whether or not another warning comes to trigger it.
                    GlobalEventExecutor.INSTANCE.schedule(this::summarise, windowStart + windowNanos - now,
                            TimeUnit.NANOSECONDS);
                }
                return;
            }
            logged++;
        }
        log.warn(format, args);
    }

    private void summarise() {
        long count;
        synchronized (this) {
            count = suppressed;
            suppressed = 0;
            windowOpen = false;
        }
        if (count > 0) {
            log.warn("... and {} more like it ({}) in the last {} s", String.format("%,d", count), kind,
                    TimeUnit.NANOSECONDS.toSeconds(windowNanos));
        }
    }
}
