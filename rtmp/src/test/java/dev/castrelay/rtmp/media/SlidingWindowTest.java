package dev.castrelay.rtmp.media;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingWindowTest {

    private static final long MS = 1_000_000L;

    @Test
    void keepsEachQuantityApart() {
        AtomicLong clock = new AtomicLong();
        SlidingWindow w = new SlidingWindow(3, Duration.ofSeconds(3), clock::get);

        w.add(0, 5);
        w.add(2, 7);
        w.add(2, 1);

        assertThat(w.sum(0)).isEqualTo(5);
        assertThat(w.sum(1)).isZero();
        assertThat(w.sum(2)).isEqualTo(8);
    }

    @Test
    void aBucketReusedAfterALongSilenceStartsFromZero() {
        AtomicLong clock = new AtomicLong();
        SlidingWindow w = new SlidingWindow(1, Duration.ofSeconds(1), clock::get);
        w.add(0, 100);

        clock.addAndGet(1_100 * MS); // eleven buckets on: the same slot of the ring
        w.add(0, 1);

        assertThat(w.sum(0)).isEqualTo(1);
    }

    /** The ingest records every packet: that must cost no garbage (the meter it replaced made a long[] each). */
    @Test
    void recordingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RateMeter meter = new RateMeter(Duration.ofSeconds(5));
        meter.record(1, true); // class loading and first-call work out of the way
        long before = threads.getCurrentThreadAllocatedBytes();

        for (int i = 0; i < 1_000_000; i++) {
            meter.record(1_000, (i & 1) == 0);
        }

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by a million records").isLessThan(10_000);
    }

    @Test
    void refusesAWindowItCannotCut() {
        assertThatThrownBy(() -> new SlidingWindow(1, Duration.ofNanos(5))).hasMessageContaining("PT0.000000005S");
        assertThatThrownBy(() -> new SlidingWindow(0, Duration.ofSeconds(1))).hasMessageContaining("got 0");
    }

    /**
     * A reader racing the writer (which recycles a bucket every four adds) never sees more than the window holds: a
     * recycled bucket's old sums never add to its new ones.
     */
    @Test
    void aReaderRacingTheWriterSeesNoMoreThanTheWindowHolds() throws Exception {
        AtomicLong clock = new AtomicLong();
        SlidingWindow w = new SlidingWindow(1, Duration.ofMillis(10), clock::get); // buckets of 1 ms
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            while (!stop.get()) {
                w.add(0, 1);
                clock.addAndGet(MS / 4); // four adds per bucket, so at most 40 in the window
            }
        });
        writer.start();
        long worst = 0;
        try {
            for (int i = 0; i < 500_000; i++) {
                worst = Math.max(worst, w.sum(0));
            }
        } finally {
            stop.set(true);
            writer.join(5_000);
        }
        assertThat(worst).isBetween(1L, 40L);
    }
}
