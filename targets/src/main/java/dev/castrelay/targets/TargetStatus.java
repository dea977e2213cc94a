package dev.castrelay.targets;

import dev.castrelay.rtmp.media.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * One target's state machine as the operator sees it: the state and its transitions (each one log line), since when
 * it is sending, its last error, and the counters of its health snapshot. Written on the pusher's event loop, read
 * from any thread.
 */
final class TargetStatus {

    private static final Logger log = LoggerFactory.getLogger(Pusher.class);

    private final String id;
    private volatile TargetState state = TargetState.WAITING;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    /** Why the platform cannot use what this target is sent (a codec it does not take), or null. */
    private volatile String codecProblem;
    private volatile long retryAtMillis;
    volatile long bytesSent;
    volatile long reconnects;
    volatile long droppedFrames;
    volatile long queueMs;

    TargetStatus(String id) {
        this.id = id;
    }

    TargetState state() {
        return state;
    }

    boolean is(TargetState s) {
        return state == s;
    }

    void lastError(String error) {
        lastError = error;
    }

    void codecProblem(String problem) {
        codecProblem = problem;
    }

    String codecProblem() {
        return codecProblem;
    }

    /** {@code reconnecting}, with the next attempt due in {@code delayMillis}. */
    void retryIn(long delayMillis) {
        retryAtMillis = System.currentTimeMillis() + delayMillis;
        set(TargetState.RECONNECTING, "retry in " + delayMillis + " ms");
    }

    void retryCancelled() {
        retryAtMillis = 0;
    }

    /** Moves to {@code next} (nothing if already there) with one log line saying why. */
    void set(TargetState next, String why) {
        TargetState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        if (!(isSending(previous) && isSending(next))) {
            since = Instant.now(); // a live period's uptime runs through degraded and back
        }
        if (next != TargetState.RECONNECTING) {
            retryAtMillis = 0;
        }
        String detail = why != null ? why : next == TargetState.RECONNECTING || next == TargetState.FAILED
                ? lastError : null;
        if (next == TargetState.FAILED || next == TargetState.RECONNECTING || next == TargetState.DEGRADED) {
            log.warn("target {}: {} -> {}{}", id, previous.id(), next.id(),
                    detail == null ? "" : " (" + detail + (lastError != null && !detail.equals(lastError)
                            ? "; last error: " + lastError : "") + ")");
        } else {
            log.info("target {}: {} -> {}{}", id, previous.id(), next.id(),
                    detail == null ? "" : " (" + detail + ")");
        }
    }

    static boolean isSending(TargetState s) {
        return s == TargetState.LIVE || s == TargetState.DEGRADED;
    }

    /** A consistent-enough snapshot for health reports; safe from any thread. */
    TargetHealth snapshot(TargetSpec spec, RateMeter meter) {
        TargetState s = state;
        Long nextRetry = s == TargetState.RECONNECTING && retryAtMillis > 0
                ? Math.max(0, retryAtMillis - System.currentTimeMillis()) : null;
        boolean sending = isSending(s);
        String error = lastError;
        return new TargetHealth(spec.id(), spec.platform(), spec.rendition(), spec.maskedUrl(), s, since,
                sending ? meter.bitrateKbps() : 0, sending ? meter.fps() : 0, queueMs, droppedFrames, reconnects,
                bytesSent, error != null ? error : codecProblem, nextRetry);
    }
}
