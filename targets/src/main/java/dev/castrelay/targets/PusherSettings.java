package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpLimits;

/**
 * How a pusher behaves: queue limits, stall and reconnect policy. Defaults come from the config's
 * {@code Defaults}; tests shorten them.
 *
 * @param maxQueueMillis   media duration the queue holds before dropping whole GOPs
 * @param maxQueueBytes    bytes the queue holds before dropping whole GOPs
 * @param stallMillis      nothing drained for this long while data waits: reconnect
 * @param backoffInitialMillis first reconnect delay
 * @param backoffMaxMillis     reconnect delay cap
 * @param backoffResetMillis   live this long and the backoff starts over
 * @param maxRejections    consecutive rejections by the platform before the target is {@code failed}
 */
public record PusherSettings(long maxQueueMillis, long maxQueueBytes, long stallMillis,
                             long backoffInitialMillis, long backoffMaxMillis, long backoffResetMillis,
                             int maxRejections, RtmpLimits limits) {

    public static final PusherSettings DEFAULT = new PusherSettings(8_000, 64L << 20, 10_000,
            1_000, 30_000, 60_000, 3, RtmpLimits.DEFAULT);

    public PusherSettings withQueue(long millis, long bytes, long stall) {
        return new PusherSettings(millis, bytes, stall, backoffInitialMillis, backoffMaxMillis,
                backoffResetMillis, maxRejections, limits);
    }

    public Backoff newBackoff() {
        return new Backoff(backoffInitialMillis, backoffMaxMillis, backoffResetMillis);
    }
}
