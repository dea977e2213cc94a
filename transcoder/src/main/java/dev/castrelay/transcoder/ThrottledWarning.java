package dev.castrelay.transcoder;

import org.slf4j.Logger;

/**
 * A warning that repeats at most once per second, saying how many were held back: a stream of corrupt packets
 * should leave a trace in the log, not flood it. Used by one thread only.
 */
final class ThrottledWarning {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Logger log;
    private long lastNanos = System.nanoTime() - INTERVAL_NANOS;
    private long suppressed;

    ThrottledWarning(Logger log) {
        this.log = log;
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (now - lastNanos < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn("({} similar warnings suppressed in the last second)", suppressed);
            suppressed = 0;
        }
        lastNanos = now;
        log.warn(format, args);
    }
}
