package dev.castrelay.targets;

import java.util.concurrent.TimeUnit;

/**
 * Judges one target's sending, each tick: how far behind the platform is (PRODUCT.md, "Bounded lag"), whether it
 * stalled, whether it is behind enough to show {@code degraded}, and which of the queue's drops count. Not
 * thread-safe: owned by one pusher's event loop; the arithmetic of the lag itself is {@link SendProgress}'s.
 */
final class LagMonitor {

    /** Frames dropped this recently keep a target {@code degraded}. */
    static final long DROP_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One tick's findings. {@code stalledNanos} is positive only past the stall limit. */
    record Verdict(long lagMillis, boolean overBound, long stalledNanos, boolean behind) {
    }

    private final long maxLagMillis;
    private final long stallNanos;
    private long lastDropSeen;
    /** Frames dropped while connected: what the platform should have had. Skips while not connected do not count. */
    private long connectedDrops;
    private long lastDropNanos = Long.MIN_VALUE / 2;

    LagMonitor(long maxLagMillis, long stallMillis) {
        this.maxLagMillis = maxLagMillis;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
    }

    /** A connection went live with the queue's drop counter at {@code queueDrops}: what was skipped before is no drop. */
    void joined(long queueDrops) {
        lastDropSeen = queueDrops;
    }

    /** The queue's drop counter now; the new drops count only while {@code connected}. */
    void countDrops(long queueDrops, boolean connected, long nowNanos) {
        if (queueDrops != lastDropSeen) {
            if (connected) {
                connectedDrops += queueDrops - lastDropSeen;
                lastDropNanos = nowNanos;
            }
            lastDropSeen = queueDrops;
        }
    }

    long connectedDrops() {
        return connectedDrops;
    }

    /** Whether a lag past the bound calls for whole GOPs to go (at a keyframe, or on the tick). */
    boolean overBound(long lagMillis) {
        return lagMillis > maxLagMillis;
    }

    /**
     * Whether to keep the next packets in the queue rather than hand them to the connection: what is in flight
     * (Netty's buffer, the kernel's, the network) cannot be dropped, so past half the bound it waits in the queue,
     * where whole GOPs can still go. Only while an acknowledgement is surely coming, so a platform is never left
     * waiting for data it needs before it acks.
     */
    boolean holdBack(SendProgress progress, long wireBytes) {
        return progress.inFlightMillis(false) > maxLagMillis / 2 && progress.acknowledgementDue(wireBytes);
    }

    /** How much may stay in flight and queued once the lag was cut: half the bound. */
    long targetAfterDrops() {
        return maxLagMillis / 2;
    }

    /**
     * One tick of a live connection.
     *
     * @param joinTimestamp the newest media queued when it went live: until the platform has it, the lag is the
     *                      catch-up of the cached GOP, not a slow platform
     */
    Verdict judge(SendProgress progress, boolean queueEmpty, long joinTimestamp, long nowNanos) {
        long lag = progress.lagMillis(queueEmpty);
        long stuck = progress.nanosWithoutProgress(queueEmpty, nowNanos);
        // Lag only shows once the kernel's buffer is full, so a quarter of the bound is already a real backlog.
        boolean joined = progress.reachedTimestamp() >= joinTimestamp;
        boolean behind = joined && lag > maxLagMillis / 4 || nowNanos - lastDropNanos < DROP_MEMORY_NANOS;
        return new Verdict(lag, overBound(lag), stuck > stallNanos ? stuck : 0, behind);
    }
}
