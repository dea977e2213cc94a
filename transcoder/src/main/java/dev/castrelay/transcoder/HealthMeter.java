package dev.castrelay.transcoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Measures one rendition over a sliding window of a few seconds: frames and bytes put out, media time encoded and
 * the rendition thread's working time (speed = media time / working time). Fed and sampled by the rendition
 * thread, which publishes each {@link RenditionHealth} snapshot through a volatile field for any reader.
 */
final class HealthMeter {

    private static final Logger log = LoggerFactory.getLogger(HealthMeter.class);
    private static final long WINDOW_NANOS = 3_000_000_000L;
    /** Below real time this long is a rendition that cannot keep up, not a hiccup. */
    static final long SLOW_MILLIS = 10_000;
    /** Encoders and the JIT warm up in the first seconds: speed means nothing until then. */
    private static final long GRACE_NANOS = 5_000_000_000L;
    private static final long SAMPLE_NANOS = 250_000_000L;

    private record Sample(long wallNanos, long frames, long bytes, double mediaMs, long busyNanos) {
    }

    private final String id;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long frames;
    private long bytes;
    private double mediaMs;
    private long busyNanos;
    private long slateFrames;
    /** Written by the decode thread only. */
    private volatile long droppedFrames;
    /** When the current encoding period began (0: not encoding), and since when it has been below real time. */
    private long encodingSinceNanos;
    private long slowSinceNanos;
    private boolean slow;
    private volatile RenditionHealth snapshot;

    HealthMeter(String id) {
        this.id = id;
        this.snapshot = new RenditionHealth(id, RenditionState.IDLE, 0, 0, 0, 0, 0, false, null);
    }

    void onVideoFrame(int size) {
        frames++;
        bytes += size;
    }

    /** The decode thread dropped one of this rendition's pictures (called on the decode thread only). */
    void onDroppedFrame() {
        droppedFrames = droppedFrames + 1;
    }

    void onSlateFrame() {
        slateFrames++;
    }

    void onAudioBytes(int size) {
        bytes += size;
    }

    /** Media time the rendition's clock advanced by. */
    void onMedia(double ms) {
        mediaMs += ms;
    }

    void onBusy(long nanos) {
        busyNanos += nanos;
    }

    /**
     * Takes a sample when due (or at once on {@code force}) and publishes the snapshot for {@code state}
     * ({@code reason}: why the slate is on air, or null).
     */
    void sample(RenditionState state, String reason, boolean force) {
        long now = System.nanoTime();
        Sample last = samples.peekLast();
        if (!force && last != null && now - last.wallNanos() < SAMPLE_NANOS) {
            return;
        }
        samples.add(new Sample(now, frames, bytes, mediaMs, busyNanos));
        while (samples.size() > 2 && now - samples.peekFirst().wallNanos() > WINDOW_NANOS) {
            samples.pollFirst();
        }
        Sample first = samples.peekFirst();
        double wallSec = (now - first.wallNanos()) / 1e9;
        double fps = wallSec > 0.2 ? (frames - first.frames()) / wallSec : 0;
        long kbps = wallSec > 0.2 ? Math.round((bytes - first.bytes()) * 8 / wallSec / 1000) : 0;
        double busySec = (busyNanos - first.busyNanos()) / 1e9;
        double speed = busySec > 0 ? (mediaMs - first.mediaMs()) / 1000 / busySec : 0;
        judgeSpeed(state, speed, now);
        snapshot = new RenditionHealth(id, state, round2(fps), kbps, round2(speed), slateFrames, droppedFrames, slow,
                reason);
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
