package dev.castrelay.targets;

import dev.castrelay.config.Defaults;
import dev.castrelay.rtmp.RtmpLimits;

/**
 * How a pusher behaves: queue limits, stall and reconnect policy. Defaults come from the config's
 * {@link Defaults}; tests shorten them.
 *
 * @param maxQueueMillis   media duration the queue holds before dropping whole GOPs
 * @param maxQueueBytes    bytes the queue holds before dropping whole GOPs
 * @param stallMillis      nothing drained for this long while data waits: reconnect
 * @param backoffInitialMillis first reconnect delay
 * @param backoffMaxMillis     reconnect delay cap after a network failure ({@code reconnect.maxSeconds})
 * @param refusedMaxMillis     reconnect delay cap after the platform refused ({@code reconnect.refusedMaxSeconds})
 * @param backoffResetMillis   live this long and the backoff starts over
 * @param maxRejections    consecutive refusals by the platform before the target is {@code failed}
 *                         ({@code reconnect.maxRefusals})
 */
public record PusherSettings(long maxQueueMillis, long maxQueueBytes, long stallMillis,
                             long backoffInitialMillis, long backoffMaxMillis, long refusedMaxMillis,
                             long backoffResetMillis, int maxRejections, RtmpLimits limits) {

    /**
     * {@code relay.yaml}'s defaults ({@link Defaults}): PRODUCT.md's 1 s doubling to 5 s after a network failure, to
     * 60 s after a refusal, failed after 3.
     */
    public static final PusherSettings DEFAULT = new PusherSettings(Defaults.QUEUE_MAX_MILLIS,
            Defaults.QUEUE_MAX_BYTES, Defaults.QUEUE_STALL_SECONDS * 1000L, Defaults.RECONNECT_INITIAL_MILLIS,
            Defaults.RECONNECT_MAX_SECONDS * 1000L, Defaults.RECONNECT_REFUSED_MAX_SECONDS * 1000L,
            Defaults.RECONNECT_RESET_AFTER_MILLIS, Defaults.RECONNECT_MAX_REFUSALS, RtmpLimits.DEFAULT);

    public PusherSettings withQueue(long millis, long bytes, long stall) {
        return new PusherSettings(millis, bytes, stall, backoffInitialMillis, backoffMaxMillis, refusedMaxMillis,
                backoffResetMillis, maxRejections, limits);
    }

    public PusherSettings withReconnect(long maxMillis, long refusedMax, int maxRefusals) {
        return new PusherSettings(maxQueueMillis, maxQueueBytes, stallMillis, backoffInitialMillis, maxMillis,
                refusedMax, backoffResetMillis, maxRefusals, limits);
    }

    /** Delays after network failures: short, so a target is back within the cap of its platform's return. */
    public Backoff newBackoff() {
        return new Backoff(backoffInitialMillis, Math.max(backoffInitialMillis, backoffMaxMillis), backoffResetMillis);
    }

    /** Delays after refusals: longer, not to hammer a platform that said no. */
    public Backoff newRefusalBackoff() {
        return new Backoff(backoffInitialMillis, Math.max(backoffInitialMillis, refusedMaxMillis), backoffResetMillis);
    }
}
