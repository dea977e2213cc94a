package dev.castrelay.relay.demo;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * The demo's encoder, doing what {@code ffmpeg -re -f lavfi -i testsrc2 -f lavfi -i sine -c:v libx264 -c:a aac -f
 * flv rtmp://...} does, in the JVM and through FFmpeg's raw APIs: the {@code testsrc2} pattern and a {@code sine}
 * tone from libavfilter source filters, libx264 ({@code ultrafast}, a keyframe every two seconds) and AAC, published
 * in real time by FFmpeg's own RTMP client, as OBS would. Nothing here loads libavdevice (JavaCV's grabber and
 * recorder do), so the demo needs no FFmpeg programs and no sound-system libraries.
 *
 * <p>Runs on its own thread until the duration is over or {@link #stop()} is called.
 */
public final class TestPatternEncoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TestPatternEncoder.class);

    private static final int SAMPLE_RATE = 48_000;
    private static final long VIDEO_BITRATE = 2_500_000;
    private static final long AUDIO_BITRATE = 128_000;
    private static final int GOP_SECONDS = 2;

    private final String url;
    private final int width;
    private final int height;
    private final int fps;
    private final Duration duration;
    /** Only the tone, no picture: an audio-only broadcast (a phone line, a Space). */
    private final boolean audioOnly;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long framesSent;

    /** @param url the full publish URL, key included: never logged */
    public TestPatternEncoder(String url, int width, int height, int fps, Duration duration) {
        this(url, width, height, fps, duration, false);
    }

    /** @param audioOnly publish the tone alone, as an audio-only broadcast does */
    public TestPatternEncoder(String url, int width, int height, int fps, Duration duration, boolean audioOnly) {
        this.audioOnly = audioOnly;
        this.url = url;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.duration = duration;
        this.thread = new Thread(this::run, "demo-encoder");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Video frames published so far (for an audio-only broadcast: the frame slots its audio has covered). */
    public long framesSent() {
        return framesSent;
    }

    /** The frame rate the pattern is encoded at. */
    public int fps() {
        return fps;
    }

    /** Null after a clean run; what went wrong otherwise. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        av_log_set_level(AV_LOG_ERROR);
        AVFrame frame = av_frame_alloc();
        AVPacket packet = av_packet_alloc();
        AVCodecContext videoEncoder = null;
        AVCodecContext audioEncoder = null;
        try (PatternSource picture = new PatternSource("testsrc2=size=" + width + "x" + height + ":rate=" + fps
                + ",format=pix_fmts=yuv420p,buffersink@sink");
             PatternSource tone = new PatternSource("sine=frequency=440:sample_rate=" + SAMPLE_RATE
                     + ",aformat=sample_fmts=fltp:channel_layouts=stereo,asetnsamples=n=1024,abuffersink@sink");
             FlvPublisher out = new FlvPublisher(url)) {
            videoEncoder = audioOnly ? null : openVideoEncoder();
            audioEncoder = openAudioEncoder();
            out.start(videoEncoder, audioEncoder);
            AVCodecContext v = videoEncoder;
            AVCodecContext a = audioEncoder;
            long startNanos = System.nanoTime();
            long frames = duration.toMillis() * fps / 1000;
            long samples = 0;
            for (long i = 0; i < frames && running; i++) {
                if (v != null) {
                    picture.next(frame);
                    frame.pts(i);
                    frame.pict_type(AV_PICTURE_TYPE_NONE);
                    encode(v, frame, packet, p -> out.writeVideo(p, v));
                }
                // Audio up to this picture's time, so the muxer interleaves the two as an encoder does.
                while (samples * fps <= (i + 1) * (long) SAMPLE_RATE) {
                    tone.next(frame);
                    frame.pts(samples);
                    samples += frame.nb_samples();
                    encode(a, frame, packet, p -> out.writeAudio(p, a));
                }
                framesSent = i + 1;
                long wait = startNanos + (i + 1) * 1_000_000_000L / fps - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            if (v != null) {
                encode(v, null, packet, p -> out.writeVideo(p, v));
            }
            encode(a, null, packet, p -> out.writeAudio(p, a));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            log.error("demo encoder failed: {}", e.getMessage());
        } finally {
            avcodec_free_context(videoEncoder);
            avcodec_free_context(audioEncoder);
            av_packet_free(packet);
            av_frame_free(frame);
        }
    }

    /** Sends {@code frame} (null flushes) and hands every packet it completes to {@code sink}. */
    private static void encode(AVCodecContext encoder, AVFrame frame, AVPacket packet,
                               Consumer<AVPacket> sink) {
        try {
            DemoException.check(avcodec_send_frame(encoder, frame), "encoding");
        } finally {
            if (frame != null) {
                av_frame_unref(frame);
            }
        }
        while (avcodec_receive_packet(encoder, packet) == 0) {
            try {
                sink.accept(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private AVCodecContext openVideoEncoder() {
        AVCodec codec = avcodec_find_encoder_by_name("libx264");
        if (codec == null) {
            throw new DemoException("this FFmpeg build has no libx264 encoder");
        }
        return open(codec, ctx -> {
            ctx.width(width);
            ctx.height(height);
            ctx.pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(av_make_q(1, fps));
            ctx.framerate(av_make_q(fps, 1));
            ctx.gop_size(GOP_SECONDS * fps);
            ctx.bit_rate(VIDEO_BITRATE);
            av_opt_set(ctx.priv_data(), "preset", "ultrafast", 0);
            av_opt_set(ctx.priv_data(), "x264-params", "scenecut=0", 0); // keyframes exactly every GOP, as OBS sends
        }, "libx264 " + width + "x" + height);
    }

    private static AVCodecContext openAudioEncoder() {
        return open(avcodec_find_encoder(AV_CODEC_ID_AAC), ctx -> {
            ctx.sample_fmt(AV_SAMPLE_FMT_FLTP);
            ctx.sample_rate(SAMPLE_RATE);
            av_channel_layout_default(ctx.ch_layout(), 2);
            ctx.bit_rate(AUDIO_BITRATE);
            ctx.time_base(av_make_q(1, SAMPLE_RATE));
        }, "the AAC encoder");
    }

    /** FLV keeps codec configuration in sequence headers: every encoder writes a global header. */
    private static AVCodecContext open(AVCodec codec, Consumer<AVCodecContext> settings, String what) {
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        settings.accept(ctx);
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            DemoException.check(ret, "opening " + what);
        }
        return ctx;
    }

    public void stop() {
        running = false;
    }

    /** Waits for the publish to end (FFmpeg wrote its trailer and closed); false on timeout. */
    public boolean await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        await(Duration.ofSeconds(5));
    }
}
