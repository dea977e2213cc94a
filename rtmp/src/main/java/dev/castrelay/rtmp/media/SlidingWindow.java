package dev.castrelay.rtmp.media;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Sums of a few quantities (bytes, frames, media time, working time) over a sliding window of time: the one
 * implementation behind every rate the health document reports. The window is cut into {@value #BUCKETS} buckets
 * kept in a ring; a reading sums the buckets the window covers, the current one included, so a figure moves
 * smoothly and a quiet input falls to zero within one window.
 *
 * <p>Threading: one writer at a time ({@link #add}, {@link #reset}), which neither allocates nor locks; any thread
 * reads without blocking it. A bucket being recycled while a reader sums it is recognised (its number changed
 * under the read) and skipped: it held the oldest figures, which have just left the window anyway.
 */
public final class SlidingWindow {

    /** Buckets per window: a reading's span varies by at most one of them. */
    static final int BUCKETS = 10;
    /** Below this span a rate would be noise (one packet in a millisecond), so rates divide by at least this. */
    static final long MIN_SPAN_NANOS = 1_000_000_000L;
    private static final long RECYCLING = Long.MIN_VALUE;
    /** One bucket more than the window, so the writer can open the next one while a reader sums the window. */
    private static final int RING = BUCKETS + 1;

    private final int quantities;
    private final long bucketNanos;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    /** Per bucket: its number (clock / bucketNanos), then one sum per quantity. Written by the writer only. */
    private final AtomicLongArray cells;
    private volatile long sinceNanos;

    /** A window over {@link System#nanoTime()}. */
    public SlidingWindow(int quantities, Duration window) {
        this(quantities, window, System::nanoTime);
    }

    /** A window over {@code nanoClock} (tests drive time by hand). */
    public SlidingWindow(int quantities, Duration window, LongSupplier nanoClock) {
        if (quantities < 1) {
            throw new IllegalArgumentException("a sliding window needs at least 1 quantity, got " + quantities);
        }
        long nanos = window.toNanos();
        if (nanos < BUCKETS) {
            throw new IllegalArgumentException("sliding window of " + window + " is shorter than its " + BUCKETS
                    + " buckets of 1 ns");
        }
        this.quantities = quantities;
        this.bucketNanos = nanos / BUCKETS;
        this.windowNanos = bucketNanos * BUCKETS;
        this.nanoClock = nanoClock;
        this.cells = new AtomicLongArray(RING * (1 + quantities));
        reset();
    }

    /** Adds {@code amount} to quantity {@code quantity} now. Writer only. */
    public void add(int quantity, long amount) {
        long bucket = Math.floorDiv(nanoClock.getAsLong(), bucketNanos);
        int at = slot(bucket);
        if (cells.getPlain(at) != bucket) {
            open(at, bucket);
        }
        int cell = at + 1 + quantity;
        cells.setRelease(cell, cells.getPlain(cell) + amount);
    }

    /** Forgets everything: rates start again from this moment. Writer only. */
    public void reset() {
        for (int b = 0; b < RING; b++) {
            int at = b * (1 + quantities);
            cells.setRelease(at, RECYCLING);
            for (int q = 1; q <= quantities; q++) {
                cells.setRelease(at + q, 0);
            }
        }
        sinceNanos = nanoClock.getAsLong();
    }

    /** The sum of quantity {@code quantity} over the window. */
    public long sum(int quantity) {
        return sum(quantity, nanoClock.getAsLong());
    }

    /** Quantity {@code quantity} per second over the window, or over the time since the start until it has filled. */
    public double perSecond(int quantity) {
        long now = nanoClock.getAsLong();
        long span = Math.max(MIN_SPAN_NANOS, now - Math.max(sinceNanos, windowStart(now)));
        return sum(quantity, now) * 1e9 / span;
    }

    private long sum(int quantity, long now) {
        long current = Math.floorDiv(now, bucketNanos);
        long total = 0;
        for (int b = 0; b < RING; b++) {
            int at = b * (1 + quantities);
            long bucket = cells.getAcquire(at);
            if (bucket > current - BUCKETS && bucket <= current) {
                long value = cells.getAcquire(at + 1 + quantity);
                if (cells.getAcquire(at) == bucket) {
                    total += value;
                }
            }
        }
        return total;
    }

    /** The start of the oldest bucket a reading at {@code now} sums. */
    private long windowStart(long now) {
        return (Math.floorDiv(now, bucketNanos) - BUCKETS + 1) * bucketNanos;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) RING) * (1 + quantities);
    }

    /** Recycles a bucket for {@code bucket}: marked first, so a reader never takes its zeroed sums as current. */
    private void open(int at, long bucket) {
        cells.setRelease(at, RECYCLING);
        for (int q = 1; q <= quantities; q++) {
            cells.setRelease(at + q, 0);
        }
        cells.setRelease(at, bucket);
    }
}
