package dev.castrelay.transcoder;

import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.rtmp.media.MediaListener;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * One rendition: its own thread takes decoded frames from its {@code encodeQueue}, fits them into the rendition's
 * frame, encodes them once, and hands the FLV tags to the rendition's output (shared by all its targets).
 *
 * <p><b>The rendition's clock.</b> Output timestamps are the rendition's own, starting at 0 and never jumping:
 * video is constant frame rate (frame {@code n} is at {@code n/fps}; an input frame is repeated or dropped to fill
 * the slots, like the {@code fps} filter), audio is a continuous count of samples. Each ingest epoch (from a
 * publisher's (re)start to its loss) is mapped onto this clock by one offset chosen at its first frame, so the
 * epoch continues exactly where the output stands; while the ingest is away the slate fills the clock in real time.
 * Audio gaps are filled with silence and overlaps dropped, so audio stays within a frame of video.
 *
 * <p><b>States</b> (see {@link RenditionHealth}): {@code idle} until the first frame (encoders are opened then),
 * {@code encoding}, {@code slate} after the ingest is lost; after {@link SlateConfig#maxSeconds()} on slate the stream
 * is ended ({@link MediaListener#onStreamEnd()}) and the rendition is idle until the ingest returns, when a new stream
 * starts from 0 with metadata and sequence headers.
 *
 * <p>Everything but {@link #offer} and {@link #health} is confined to the rendition thread.
 */
final class RenditionEncoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RenditionEncoder.class);

    /** Items (frames and events) between the decode thread and this rendition: about half a second of media. */
    static final int ENCODE_QUEUE_CAPACITY = 32;
    /**
     * Ingest timestamps that jump forward by more than this, or back by more than {@link #BACKWARD_JUMP_MS}, start a
     * new epoch (a publisher that restarted its clock without telling) instead of being filled in or dropped.
     */
    private static final double FORWARD_JUMP_MS = 2000;
    private static final double BACKWARD_JUMP_MS = 500;
    /** Video-only ingest: audio that lags video by more than this is filled with silence. */
    private static final double AUDIO_LAG_LIMIT_MS = 500;
    /** The slate catches up at most this much of the wall-clock time it took to notice the loss. */
    private static final long SLATE_CATCH_UP_NANOS = 1_000_000_000L;

    private enum State { IDLE, ENCODING, SLATE }

    private final RenditionConfig config;
    private final SlateConfig slateConfig;
    private final BlockingQueue<RenditionInput> encodeQueue = new ArrayBlockingQueue<>(ENCODE_QUEUE_CAPACITY);
    private final HealthMeter meter;
    private final Thread thread;
    private volatile boolean running = true;
    /** True while the thread works on an item (so "nothing queued and not busy" means caught up). */
    private volatile boolean busy;
    private final ThrottledWarning errors = new ThrottledWarning(log);
    private final ThrottledWarning queueFull = new ThrottledWarning(log);

    // Owned by the rendition thread from here on.
    private final RenditionOutput output;
    private final VideoFilter videoFilter;
    private AudioFilter audioFilter;
    private Slate slate;
    private H264Encoder video;
    private AacEncoder audio;
    private AVFrame silence;
    private State state = State.IDLE;
    private double frameMs;
    private long nextFrame;
    private long nextSample;
    /** Ingest ms to rendition ms for the current epoch; null until the epoch's first frame. */
    private Long offsetMs;
    /** The latest fitted input picture, waiting for the slots up to the next one. */
    private AVFrame held;
    private double heldMs;
    private long lastIngestWallNanos;
    private double lastIngestMs;
    private long slateAnchorWallNanos;
    private double slateAnchorMs;
    private double slateStartMs;

    RenditionEncoder(RenditionConfig config, SlateConfig slate, MediaListener listener) {
        this.config = config;
        this.slateConfig = slate;
        this.meter = new HealthMeter(config.id());
        this.output = new RenditionOutput(config, listener, meter);
        this.videoFilter = new VideoFilter(config.video());
        this.thread = new Thread(this::run, "castrelay-rendition-" + config.id());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    String id() {
        return config.id();
    }

    /**
     * Called by the decode thread: queues {@code in}, waiting up to a second for room (back-pressure that the
     * decode queue turns into dropping at the ingest). An item that still finds no room is freed and logged.
     */
    void offer(RenditionInput in) {
        try {
            long waitMs = in instanceof RenditionInput.VideoFrame || in instanceof RenditionInput.AudioFrame ? 1000 : 5000;
            if (running && encodeQueue.offer(in, waitMs, TimeUnit.MILLISECONDS)) {
                return;
            }
            queueFull.warn("Rendition {} encode queue full ({} items) for {} ms: dropped {}", config.id(),
                    ENCODE_QUEUE_CAPACITY, waitMs, in.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        in.free();
    }

    RenditionHealth health() {
        return meter.snapshot();
    }

    private void run() {
        try {
            audioFilter = new AudioFilter(config.audio(), 1024);
            slate = new Slate(slateConfig, config.video().width(), config.video().height());
            while (running) {
                RenditionInput in = encodeQueue.poll(pollMillis(), TimeUnit.MILLISECONDS);
                busy = true;
                long t0 = System.nanoTime();
                try {
                    if (in != null) {
                        handle(in);
                    }
                    if (state == State.SLATE) {
                        slateTick();
                    }
                } catch (RuntimeException e) {
                    errors.warn("Rendition {}: {} (continuing)", config.id(), e.getMessage(), e);
                } finally {
                    if (in != null) {
                        in.free();
                    }
                }
                meter.onBusy(System.nanoTime() - t0);
                meter.sample(state.name().toLowerCase(Locale.ROOT), false);
                busy = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Rendition {} cannot run: {}", config.id(), e.getMessage(), e);
        } finally {
            running = false; // offers fail fast from now on
            finishStream();
            releaseAll();
        }
    }

    /** Shutting down: what the encoders hold goes out, and the targets hear the stream end. */
    private void finishStream() {
        if (video != null) {
            try {
                endEpoch();
                endStream();
            } catch (RuntimeException e) {
                log.warn("Rendition {}: could not finish its stream cleanly: {}", config.id(), e.getMessage());
            }
        }
    }

    /** Nothing queued and nothing in progress. */
    boolean caughtUp() {
        return encodeQueue.isEmpty() && !busy;
    }

    private long pollMillis() {
        if (state != State.SLATE) {
            return 100;
        }
        long due = (slateDueNanos(nextFrame) - System.nanoTime()) / 1_000_000;
        return Math.max(1, Math.min(100, due));
    }

    private void handle(RenditionInput in) {
        if (in instanceof RenditionInput.VideoFrame v) {
            onVideo(v.frame());
        } else if (in instanceof RenditionInput.AudioFrame a) {
            onAudio(a.frame());
        } else if (in instanceof RenditionInput.IngestStarted) {
            endEpoch();
        } else if (in instanceof RenditionInput.IngestLost l) {
            goToSlate(l.reason());
        }
    }

    private void onVideo(AVFrame f) {
        if (f.pts() == AV_NOPTS_VALUE || !ensureStream()) {
            return;
        }
        if (offsetMs == null) {
            beginEpoch(f.pts());
        }
        double t = f.pts() + offsetMs;
        double jump = t - frameMs * nextFrame;
        if (jump > FORWARD_JUMP_MS || jump < -BACKWARD_JUMP_MS) {
            log.info("Rendition {}: ingest timestamps jumped by {} ms; continuing the output clock", config.id(),
                    Math.round(t - frameMs * nextFrame));
            endEpoch();
            beginEpoch(f.pts());
            t = f.pts() + offsetMs;
        }
        f.pts(Math.round(t));
        AVFrame fitted = av_frame_alloc();
        if (!videoFilter.fit(f, fitted)) {
            av_frame_free(fitted);
            return;
        }
        AVFrame fill = held != null ? held : fitted; // the first picture of a stream also covers the slots before it
        while (frameMs * nextFrame < t - frameMs / 2) {
            encodeVideo(fill);
        }
        if (held != null) {
            av_frame_free(held);
        }
        held = fitted;
        heldMs = t;
        lastIngestWallNanos = System.nanoTime();
        lastIngestMs = t;
        fillSilenceUpTo(frameMs * nextFrame - AUDIO_LAG_LIMIT_MS);
        enter(State.ENCODING);
    }

    private void onAudio(AVFrame f) {
        if (f.pts() == AV_NOPTS_VALUE || !ensureStream()) {
            return;
        }
        if (offsetMs == null) {
            beginEpoch(f.pts());
        }
        f.pts(f.pts() + offsetMs);
        audioFilter.push(f);
        AVFrame out = av_frame_alloc();
        try {
            int frameSize = audio.frameSize();
            while (audioFilter.pull(out)) {
                long gap = out.pts() - nextSample;
                // A hole (dropped or corrupt ingest audio): silence, but never far past the video.
                while (gap >= frameSize && samplesMs(nextSample) < frameMs * nextFrame + AUDIO_LAG_LIMIT_MS) {
                    encodeAudio(silence);
                    gap -= frameSize;
                }
                if (gap > -2L * frameSize) { // else: audio we are already past (overlap after an epoch change)
                    encodeAudio(out);
                }
                av_frame_unref(out);
            }
        } finally {
            av_frame_free(out);
        }
        enter(State.ENCODING);
    }

    /** Maps the epoch's first ingest timestamp to where the output clock stands. */
    private void beginEpoch(long ingestMs) {
        double position = Math.max(frameMs * nextFrame, samplesMs(nextSample));
        offsetMs = (long) Math.ceil(position) - ingestMs;
    }

    /** Ends the ingest epoch: the last picture gets its slot, buffered audio is dropped, the next frame re-maps. */
    private void endEpoch() {
        if (held != null) {
            while (frameMs * nextFrame <= heldMs + frameMs / 2) {
                encodeVideo(held);
            }
            av_frame_free(held);
            held = null;
        }
        if (audioFilter != null) {
            audioFilter.reset();
        }
        offsetMs = null;
    }

    private void goToSlate(String reason) {
        if (state != State.ENCODING) {
            return;
        }
        endEpoch();
        long now = System.nanoTime();
        // Pace the slate from the last real frame so the output stays in step with the wall clock.
        slateAnchorWallNanos = Math.max(lastIngestWallNanos, now - SLATE_CATCH_UP_NANOS);
        slateAnchorMs = Math.max(lastIngestMs, frameMs * (nextFrame - 1));
        slateStartMs = frameMs * nextFrame;
        log.info("Rendition {}: ingest lost ({}), showing the slate from {} ms", config.id(), reason,
                Math.round(slateStartMs));
        enter(State.SLATE);
    }

    private long slateDueNanos(long frame) {
        return slateAnchorWallNanos + Math.round((frameMs * frame - slateAnchorMs) * 1e6);
    }

    private void slateTick() {
        long now = System.nanoTime();
        while (state == State.SLATE && slateDueNanos(nextFrame) <= now) {
            encodeVideo(slate.picture());
            fillSilenceUpTo(frameMs * nextFrame);
            if (frameMs * nextFrame - slateStartMs >= slateConfig.maxSeconds() * 1000.0) {
                log.warn("Rendition {}: on slate for {} s, the maximum; ending the stream until the ingest returns",
                        config.id(), slateConfig.maxSeconds());
                endStream();
            }
        }
    }

    private void fillSilenceUpTo(double ms) {
        while (samplesMs(nextSample) < ms) {
            encodeAudio(silence);
        }
    }

    private void encodeVideo(AVFrame picture) {
        video.encode(picture, nextFrame++, output::video);
        meter.onMedia(frameMs);
    }

    private void encodeAudio(AVFrame samples) {
        int n = samples.nb_samples();
        audio.encode(samples, nextSample, output::audio);
        nextSample += n;
    }

    private double samplesMs(long samples) {
        return samples * 1000.0 / config.audio().sampleRate();
    }

    /** Opens the encoders and announces a new stream when there is none; false if they cannot be opened. */
    private boolean ensureStream() {
        if (video != null) {
            return true;
        }
        try {
            video = new H264Encoder(config.video());
            audio = new AacEncoder(config.audio());
        } catch (RuntimeException e) {
            errors.warn("Rendition {}: cannot open its encoders: {}", config.id(), e.getMessage());
            closeEncoders();
            return false;
        }
        silence = audio.newSilentFrame();
        frameMs = 1000.0 * video.timeBase().num() / video.timeBase().den();
        nextFrame = 0;
        nextSample = 0;
        offsetMs = null;
        output.start(video, audio, audio.priming());
        log.info("Rendition {}: stream starts ({}x{} @ {} fps, keyframe every {} frames)", config.id(),
                config.video().width(), config.video().height(), config.video().fps(), video.gopFrames());
        return true;
    }

    /** Flushes both encoders, ends the stream for the targets, and goes idle. */
    private void endStream() {
        video.encode(null, 0, output::video);
        audio.encode(null, 0, output::audio);
        output.end();
        closeEncoders();
        enter(State.IDLE);
    }

    private void enter(State next) {
        if (state != next) {
            state = next;
            meter.sample(next.name().toLowerCase(Locale.ROOT), true);
        }
    }

    private void closeEncoders() {
        if (video != null) {
            video.close();
            video = null;
        }
        if (audio != null) {
            audio.close();
            audio = null;
        }
        if (silence != null) {
            av_frame_free(silence);
            silence = null;
        }
    }

    /** Frees every native resource; on the rendition thread as it exits. */
    private void releaseAll() {
        output.discard();
        if (held != null) {
            av_frame_free(held);
            held = null;
        }
        closeEncoders();
        videoFilter.close();
        if (audioFilter != null) {
            audioFilter.close();
        }
        if (slate != null) {
            slate.close();
        }
        RenditionInput in;
        while ((in = encodeQueue.poll()) != null) {
            in.free();
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
