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
    private boolean slowWarned;
    private volatile RenditionHealth snapshot;

    HealthMeter(String id) {
        this.id = id;
        this.snapshot = new RenditionHealth(id, "idle", 0, 0, 0, 0);
    }

    void onVideoFrame(int size) {
        frames++;
        bytes += size;
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

    /** Takes a sample when due (or at once on {@code force}) and publishes the snapshot for {@code state}. */
    void sample(String state, boolean force) {
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
        snapshot = new RenditionHealth(id, state, round2(fps), kbps, round2(speed), slateFrames);
        warnIfSlow(state, speed, wallSec);
    }

    /** Once per episode: a rendition slower than real time makes every one of its targets fall behind. */
    private void warnIfSlow(String state, double speed, double wallSec) {
        if (!"encoding".equals(state) || wallSec < 2 || speed == 0) {
            return;
        }
        if (speed < 1.0 && !slowWarned) {
            slowWarned = true;
            log.warn("Rendition {} encodes slower than real time (speed {}): its targets will fall behind; "
                    + "use a faster preset or a smaller size", id, round2(speed));
        } else if (speed >= 1.1 && slowWarned) {
            slowWarned = false;
            log.info("Rendition {} keeps up again (speed {})", id, round2(speed));
        }
    }

    RenditionHealth snapshot() {
        return snapshot;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
