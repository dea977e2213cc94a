package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.RateMeter;
import dev.castrelay.rtmp.media.SlidingWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Measures one rendition over a sliding window of a few seconds: frames and bytes put out, media time encoded and
 * the rendition thread's working time (speed = media time / working time), on the shared {@link RateMeter} and
 * {@link SlidingWindow}. Fed and sampled by the rendition thread, which publishes each {@link RenditionHealth}
 * snapshot through a volatile field for any reader.
 */
final class HealthMeter {

    private static final Logger log = LoggerFactory.getLogger(HealthMeter.class);
    private static final Duration WINDOW = Duration.ofSeconds(3);
    /** The two quantities of {@link #work}: media time encoded and time spent working for it. */
    private static final int MEDIA_MICROS = 0;
    private static final int BUSY_NANOS = 1;
    /** Below real time this long is a rendition that cannot keep up, not a hiccup. */
    static final long SLOW_MILLIS = 10_000;
    /** Encoders and the JIT warm up in the first seconds: speed means nothing until then. */
    private static final long GRACE_NANOS = 5_000_000_000L;
    private static final long SAMPLE_NANOS = 250_000_000L;

    private final String id;
    private final LongSupplier nanoClock;
    private final RateMeter output;
    private final SlidingWindow work;
    /** When the last snapshot was published (0: never). */
    private long sampledNanos;
    private long slateFrames;
    /** Written by the decode thread only. */
    private volatile long droppedFrames;
    /** When the current encoding period began (0: not encoding), and since when it has been below real time. */
    private long encodingSinceNanos;
    private long slowSinceNanos;
    private boolean slow;
    private volatile RenditionHealth snapshot;

    HealthMeter(String id) {
        this(id, System::nanoTime);
    }

    /** A meter on {@code nanoClock} (tests drive time by hand). */
    HealthMeter(String id, LongSupplier nanoClock) {
        this.id = id;
        this.nanoClock = nanoClock;
        this.output = new RateMeter(WINDOW, nanoClock);
        this.work = new SlidingWindow(2, WINDOW, nanoClock);
        this.snapshot = new RenditionHealth(id, RenditionState.IDLE, 0, 0, 0, 0, 0, false, null);
    }

    void onVideoFrame(int size) {
        output.record(size, true);
    }

    /** The decode thread dropped one of this rendition's pictures (called on the decode thread only). */
    void onDroppedFrame() {
        droppedFrames = droppedFrames + 1;
    }

    void onSlateFrame() {
        slateFrames++;
    }

    void onAudioBytes(int size) {
        output.record(size, false);
    }

    /** Media time the rendition's clock advanced by. */
    void onMedia(double ms) {
        work.add(MEDIA_MICROS, Math.round(ms * 1000));
    }

    void onBusy(long nanos) {
        work.add(BUSY_NANOS, nanos);
    }

    /**
     * Takes a sample when due (or at once on {@code force}) and publishes the snapshot for {@code state}
     * ({@code reason}: why the slate is on air, or null).
     */
    void sample(RenditionState state, String reason, boolean force) {
        long now = nanoClock.getAsLong();
        if (!force && sampledNanos != 0 && now - sampledNanos < SAMPLE_NANOS) {
            return;
        }
        sampledNanos = now;
        long busyNanos = work.sum(BUSY_NANOS);
        double speed = busyNanos > 0 ? work.sum(MEDIA_MICROS) * 1000.0 / busyNanos : 0;
        judgeSpeed(state, speed, now);
        snapshot = new RenditionHealth(id, state, round2(output.fps()), output.bitrateKbps(), round2(speed),
                slateFrames, droppedFrames, slow, reason);
    }

    /**
     * Slow means below real time for {@link #SLOW_MILLIS} on end, judged only past the start-up grace of an
     * encoding period; warned once per episode (a rendition slower than real time makes every target of it fall
     * behind), and cleared at 1.1 so a rendition on the edge does not flap.
     */
    private void judgeSpeed(RenditionState state, double speed, long now) {
        if (state != RenditionState.ENCODING) {
            encodingSinceNanos = 0;
            slowSinceNanos = 0;
            slow = false;
            return;
        }
        if (encodingSinceNanos == 0) {
            encodingSinceNanos = now;
        }
        if (now - encodingSinceNanos < GRACE_NANOS || speed == 0) {
            return;
        }
        if (speed < 1.0) {
            if (slowSinceNanos == 0) {
                slowSinceNanos = now;
            }
            if (!slow && now - slowSinceNanos >= SLOW_MILLIS * 1_000_000L) {
                slow = true;
                log.warn("Rendition {} has encoded slower than real time for {} s (speed {}): its targets fall "
                        + "behind; use a faster preset or a smaller size", id, SLOW_MILLIS / 1000, round2(speed));
            }
        } else if (speed >= 1.1 || !slow) {
            if (slow) {
                log.info("Rendition {} keeps up again (speed {})", id, round2(speed));
            }
            slow = false;
            slowSinceNanos = 0;
        }
    }

    RenditionHealth snapshot() {
        return snapshot;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
