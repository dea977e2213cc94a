package dev.castrelay.targets;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter between reconnect attempts: {@code initial} doubling up to {@code max}, reset
 * once a connection has stayed live for {@code resetAfterMillis}. Jitter (up to 20% either way) keeps many targets
 * of one platform from knocking at the same instant. Not thread-safe: owned by one pusher's event loop.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final long resetAfterMillis;
    private final DoubleSupplier random;
    private long nextMillis;

    public Backoff(long initialMillis, long maxMillis, long resetAfterMillis) {
        this(initialMillis, maxMillis, resetAfterMillis, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1): the jitter's source (tests pin it) */
    Backoff(long initialMillis, long maxMillis, long resetAfterMillis, DoubleSupplier random) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff " + initialMillis + ".." + maxMillis + " ms");
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.resetAfterMillis = resetAfterMillis;
        this.random = random;
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt; each call doubles the one after. */
    public long nextDelayMillis() {
        long base = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        double jitter = 0.8 + 0.4 * random.getAsDouble();
        return Math.max(1, Math.min(maxMillis, Math.round(base * jitter)));
    }

    /** A connection that was live for {@code liveMillis} ended: long enough, and we start over from the first step. */
    public void connectionEnded(long liveMillis) {
        if (liveMillis >= resetAfterMillis) {
            reset();
        }
    }

    public void reset() {
        nextMillis = initialMillis;
    }
}
