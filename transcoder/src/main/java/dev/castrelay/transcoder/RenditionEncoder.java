package dev.castrelay.transcoder;

import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.rtmp.media.MediaListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One rendition's thread ({@code castrelay-rendition-<id>}) and its {@code encodeQueue}: the decode thread
 * {@link #offer}s decoded frames and ingest events; the thread hands them, in order, to the rendition's
 * {@link RenditionStream}, which it creates, owns and closes. Errors are logged and the thread carries on.
 *
 * <p>Only {@link #offer}, {@link #health}, {@link #caughtUp} and {@link #close} are called from other threads.
 */
final class RenditionEncoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RenditionEncoder.class);

    /**
     * Items (frames and events) between the decode thread and this rendition: about a second of media (30 pictures
     * and 47 AAC frames a second), enough for the burst of a failover's cached GOP; past it the rendition drops its
     * own oldest pictures. The pictures are references to the decoder's frames: at 1080p, 40 of them are 120 MB.
     */
    static final int ENCODE_QUEUE_CAPACITY = 96;

    private final RenditionConfig config;
    private final SlateConfig slateConfig;
    private final MediaListener listener;
    private final Thumbnailer thumbnails;
    private final BlockingQueue<RenditionInput> encodeQueue = new ArrayBlockingQueue<>(ENCODE_QUEUE_CAPACITY);
    private final HealthMeter meter;
    private final ThrottledWarning errors = new ThrottledWarning(log);
    private final ThrottledWarning queueFull = new ThrottledWarning(log);
    private final Thread thread;
    private volatile boolean running = true;
    /** True while the thread works on an item (so "nothing queued and not busy" means caught up). */
    private volatile boolean busy;

    /** {@code thumbnails}: where its pictures go when the dashboard asks for one, or null. */
    RenditionEncoder(RenditionConfig config, SlateConfig slate, MediaListener listener, Thumbnailer thumbnails) {
        this.config = config;
        this.slateConfig = slate;
        this.listener = listener;
        this.thumbnails = thumbnails;
        this.meter = new HealthMeter(config.id());
        this.thread = new Thread(this::run, "castrelay-rendition-" + config.id());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    String id() {
        return config.id();
    }

    /**
     * Called by the decode thread: queues {@code in} and never waits for media. A full queue means this rendition
     * cannot keep up: it drops its own oldest picture (counted in its health; the rendition repeats the picture
     * before it), so the decoder, every other rendition and a failover never wait for the slowest. Ingest events
     * are never dropped: they wait for room, bounded.
     */
    void offer(RenditionInput in) {
        if (!running) {
            in.free();
            return;
        }
        if (encodeQueue.offer(in)) {
            return;
        }
        boolean media = in instanceof RenditionInput.VideoFrame || in instanceof RenditionInput.AudioFrame;
        if (media) {
            RenditionInput oldest = oldestPicture();
            if (oldest != null && encodeQueue.remove(oldest)) {
                oldest.free();
                meter.onDroppedFrame();
                queueFull.warn("Rendition {} cannot keep up: its encode queue is full ({} items); dropping its "
                        + "oldest pictures", config.id(), ENCODE_QUEUE_CAPACITY);
            }
            if (encodeQueue.offer(in)) {
                return;
            }
            if (in instanceof RenditionInput.VideoFrame) {
                meter.onDroppedFrame();
            }
            in.free();
            return;
        }
        try {
            if (encodeQueue.offer(in, 5, TimeUnit.SECONDS)) {
                return;
            }
            log.warn("Rendition {} took no ingest event for 5 s: dropped {}", config.id(),
                    in.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.free();
    }

    /** The oldest picture waiting in the queue, or null (the rendition thread may take it meanwhile). */
    private RenditionInput oldestPicture() {
        for (RenditionInput queued : encodeQueue) {
            if (queued instanceof RenditionInput.VideoFrame) {
                return queued;
            }
        }
        return null;
    }

    RenditionHealth health() {
        return meter.snapshot();
    }

    /** Nothing queued and nothing in progress. */
    boolean caughtUp() {
        return encodeQueue.isEmpty() && !busy;
    }

    private void run() {
        RenditionStream stream = null;
        try {
            stream = new RenditionStream(config, slateConfig, listener, meter, thumbnails);
            while (running) {
                RenditionInput in = encodeQueue.poll(stream.pollMillis(), TimeUnit.MILLISECONDS);
                busy = true;
                long t0 = System.nanoTime();
                try {
                    if (in != null) {
                        stream.handle(in);
                    }
                    stream.tick();
                } catch (RuntimeException e) {
                    errors.warn("Rendition {}: {} (continuing)", config.id(), e.getMessage(), e);
                } finally {
                    if (in != null) {
                        in.free();
                    }
                }
                meter.onBusy(System.nanoTime() - t0);
                meter.sample(stream.healthState(), stream.slateReason(), false);
                busy = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Rendition {} cannot run: {}", config.id(), e.getMessage(), e);
        } finally {
            running = false; // offers fail fast from now on
            if (stream != null) {
                stream.finish();
                stream.close();
            }
            RenditionInput in;
            while ((in = encodeQueue.poll()) != null) {
                in.free();
            }
            busy = false;
        }
    }

    /**
     * Stops the thread: the frames still in the encoders go out and the listener hears {@code onStreamEnd}; queued
     * frames are dropped; every native resource is freed.
     */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.error("Rendition {} thread did not stop within 10 s; its native memory is left allocated", config.id());
        }
    }
}
