package dev.castrelay.transcoder;

import dev.castrelay.config.Defaults;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.rtmp.media.MediaListener;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * One rendition's output stream: fits, encodes and times what the decode thread sends, and fills ingest outages
 * with the slate.
 *
 * <p><b>The rendition's clock.</b> Output timestamps are the rendition's own, starting at 0 and never jumping:
 * video is constant frame rate (frame {@code n} is at {@code n/fps}; an input frame is repeated or dropped to fill
 * the slots, like the {@code fps} filter), audio is a continuous count of samples. Each ingest epoch (from a
 * publisher's (re)start to its loss) is mapped onto this clock by one offset chosen at its first frame, so the
 * epoch continues exactly where the output stands ({@link RenditionClock}); while the ingest is away the slate fills the clock in real time.
 * Audio gaps are filled with silence and overlaps dropped, so audio stays within a frame of video.
 *
 * <p><b>States</b> (see {@link RenditionHealth}): {@code idle} until the first frame (encoders are opened then),
 * {@code encoding}, {@code slate} after the ingest is lost; after {@link SlateConfig#maxSeconds()} on slate the stream
 * is ended ({@link MediaListener#onStreamEnd()}) and the rendition is idle until the ingest returns, when a new stream
 * starts from 0 with metadata and sequence headers.
 *
 * <p>Confined to its rendition's thread ({@link RenditionEncoder}); not thread-safe.
 */
final class RenditionStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RenditionStream.class);

    /** Video-only ingest: audio that lags video by more than this is filled with silence. */
    private static final double AUDIO_LAG_LIMIT_MS = 500;
    /**
     * Audio ahead of the picture by this much means the ingest has no video (audio only from the start, or a
     * picture that froze while the sound goes on): the slate fills the picture, with the live audio. The same bound
     * as a backup input's failover, which comes first when there is a backup.
     */
    private static final double PICTURE_LOSS_MS = Defaults.FAILOVER_LOSS_MILLIS;

    private enum State { IDLE, ENCODING, SLATE }

    private final RenditionConfig config;
    private final SlateConfig slateConfig;
    private final HealthMeter meter;
    private final RenditionOutput output;
    private final VideoFilter videoFilter;
    private final AudioFilter audioFilter;
    private final Slate slate;
    private final Thumbnailer thumbnails;
    private final AudioScope scope;
    private final ThrottledWarning errors = new ThrottledWarning(log);
    private H264Encoder video;
    private AacEncoder audio;
    private AVFrame silence;
    private State state = State.IDLE;
    private double frameMs;
    private long nextFrame;
    private long nextSample;
    /** Ingest ms to rendition ms, one epoch at a time. */
    private final RenditionClock clock = new RenditionClock();
    /** The latest fitted input picture, waiting for the slots up to the next one. */
    private AVFrame held;
    private double heldMs;
    private long lastIngestWallNanos;
    private double lastIngestMs;
    private final SlatePace slatePace = new SlatePace();
    /** The slate stands in for a picture the ingest does not send while its audio flows. */
    private boolean pictureMissing;
    /** This publish has sent a picture (so a missing one is a frozen encoder, not an audio-only broadcast). */
    private boolean sawVideo;
    /** Why the slate is on air, for health; null while it is not. */
    private String slateReason;

    RenditionStream(RenditionConfig config, SlateConfig slateConfig, MediaListener listener, HealthMeter meter,
                    Thumbnailer thumbnails) {
        this.config = config;
        this.thumbnails = thumbnails;
        this.slateConfig = slateConfig;
        this.meter = meter;
        this.output = new RenditionOutput(config, listener, meter);
        this.videoFilter = new VideoFilter(config.video());
        this.audioFilter = new AudioFilter(config.audio(), 1024);
        this.slate = new Slate(slateConfig, config.video().width(), config.video().height());
        this.scope = new AudioScope(slateConfig.audioVisual(),
                (int) Math.round(config.audio().sampleRate() / config.video().fps()),
                (int) Math.round(config.video().fps() / AudioScope.DRAWS_PER_SECOND));
    }

    /** Why the slate is on air, or null. */
    String slateReason() {
        return state == State.SLATE || state == State.ENCODING && pictureMissing ? slateReason : null;
    }

    /** The state the health document shows: slate also while the slate stands in for a missing picture. */
    RenditionState healthState() {
        return switch (state) {
            case IDLE -> RenditionState.IDLE;
            case ENCODING -> pictureMissing ? RenditionState.SLATE : RenditionState.ENCODING;
            case SLATE -> RenditionState.SLATE;
        };
    }

    /** How long the thread may wait for input before {@link #tick()} has work. */
    long pollMillis() {
        if (state != State.SLATE) {
            return 100;
        }
        long due = (slatePace.dueNanos(frameMs * nextFrame) - System.nanoTime()) / 1_000_000;
        return Math.max(1, Math.min(100, due));
    }

    /** Applies one item from the encode queue (the caller frees it afterwards). */
    void handle(RenditionInput in) {
        if (in instanceof RenditionInput.VideoFrame v) {
            onVideo(v.frame());
        } else if (in instanceof RenditionInput.AudioFrame a) {
            onAudio(a.frame());
        } else if (in instanceof RenditionInput.IngestStarted) {
            endEpoch();
            sawVideo = false;
        } else if (in instanceof RenditionInput.IngestLost l) {
            goToSlate(l.reason());
        }
    }

    private void onVideo(AVFrame f) {
        if (f.pts() == AV_NOPTS_VALUE || !ensureStream()) {
            return;
        }
        if (!clock.running()) {
            beginEpoch(f.pts());
        }
        sawVideo = true;
        if (pictureMissing) {
            pictureMissing = false;
            log.info("Rendition {}: the ingest's picture is back", config.id());
            meter.sample(healthState(), slateReason(), true);
        }
        if (clock.isJump(f.pts(), frameMs * nextFrame)) {
            log.info("Rendition {}: ingest timestamps jumped by {} ms; continuing the output clock", config.id(),
                    Math.round(clock.toOutput(f.pts()) - frameMs * nextFrame));
            endEpoch();
            beginEpoch(f.pts());
        }
        double t = clock.toOutput(f.pts());
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
        if (!clock.running()) {
            beginEpoch(f.pts());
        }
        f.pts(clock.toOutput(f.pts()));
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
                    scope.listen(out);
                    encodeAudio(out);
                }
                av_frame_unref(out);
            }
        } finally {
            av_frame_free(out);
        }
        enter(State.ENCODING);
        fillMissingPicture();
    }

    /**
     * Audio without video (an audio-only ingest, a picture frozen while the sound goes on): platforms that need
     * video (Facebook refuses a stream without it) get the slate at the rendition's frame rate with the live audio,
     * in the same stream; the ingest's picture takes over again when it comes.
     */
    private void fillMissingPicture() {
        double audioMs = samplesMs(nextSample);
        if (!pictureMissing && audioMs - frameMs * nextFrame < PICTURE_LOSS_MS) {
            return;
        }
        if (!pictureMissing) {
            pictureMissing = true;
            slateReason = sawVideo ? "ingest video frozen" : "no video in the ingest";
            log.info("Rendition {}: no video in the ingest for {} ms while its audio flows; showing the slate with "
                    + "the live audio", config.id(), Math.round(audioMs - frameMs * nextFrame));
            if (held != null) {
                av_frame_free(held); // a frozen picture is no picture: the slate replaces it
                held = null;
            }
            meter.sample(healthState(), slateReason(), true);
        }
        while (frameMs * nextFrame < audioMs - frameMs) {
            encodeVideo(scope.enabled() ? scope.draw(slate.picture()) : slate.picture());
            meter.onSlateFrame();
        }
    }

    /** Maps the epoch's first ingest timestamp to where the output clock stands. */
    private void beginEpoch(long ingestMs) {
        clock.begin(ingestMs, Math.max(frameMs * nextFrame, samplesMs(nextSample)));
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
        audioFilter.reset();
        clock.end();
    }

    private void goToSlate(String reason) {
        if (state != State.ENCODING) {
            return;
        }
        pictureMissing = false; // the slate takes over the whole stream now
        slateReason = "ingest lost";
        endEpoch();
        slatePace.start(lastIngestWallNanos, lastIngestMs, frameMs * (nextFrame - 1), frameMs * nextFrame,
                System.nanoTime());
        log.info("Rendition {}: ingest lost ({}), showing the slate from {} ms", config.id(), reason,
                Math.round(slatePace.startMs()));
        enter(State.SLATE);
    }

    /** Puts out the slate frames that are due by the wall clock (only while on slate). */
    void tick() {
        if (state != State.SLATE) {
            return;
        }
        slateTick();
    }

    private void slateTick() {
        long now = System.nanoTime();
        while (state == State.SLATE && slatePace.dueNanos(frameMs * nextFrame) <= now) {
            encodeVideo(slate.picture());
            meter.onSlateFrame();
            fillSilenceUpTo(frameMs * nextFrame);
            if (slatePace.onAirMs(frameMs * nextFrame) >= slateConfig.maxSeconds() * 1000.0) {
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
        if (thumbnails != null) {
            thumbnails.offer(picture);
        }
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
        clock.end();
        output.start(video, audio, audio.priming());
        log.info("Rendition {}: stream starts ({}x{} @ {} fps, keyframe every {} frames)", config.id(),
                config.video().width(), config.video().height(), config.video().fps(), video.gopFrames());
        return true;
    }

    /** Flushes both encoders, ends the stream for the targets, and goes idle. */
    private void endStream() {
        video.encode(null, 0, output::video);
        audio.encode(null, 0, output::audio);
        closeEncoders();
        enter(State.IDLE); // before the targets hear of it, so health already says idle when they react
        output.end();
    }

    private void enter(State next) {
        if (state != next) {
            state = next;
            meter.sample(healthState(), slateReason(), true);
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

    /** Shutting down: what the encoders hold goes out, and the targets hear the stream end. */
    void finish() {
        if (video != null) {
            try {
                endEpoch();
                endStream();
            } catch (RuntimeException e) {
                log.warn("Rendition {}: could not finish its stream cleanly: {}", config.id(), e.getMessage());
            }
        }
    }

    /** Frees every native resource. */
    @Override
    public void close() {
        output.discard();
        if (held != null) {
            av_frame_free(held);
            held = null;
        }
        closeEncoders();
        videoFilter.close();
        audioFilter.close();
        slate.close();
        scope.close();
    }
}
