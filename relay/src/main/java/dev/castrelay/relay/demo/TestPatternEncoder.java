package dev.castrelay.relay.demo;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The demo's encoder: FFmpeg's {@code testsrc2} pattern and a {@code sine} tone from lavfi, encoded with libx264
 * and AAC and published over RTMP with FFmpeg's own RTMP client, in real time, as OBS would. Runs on its own
 * thread until the duration is over or {@link #stop()} is called.
 */
public final class TestPatternEncoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TestPatternEncoder.class);

    private final String url;
    private final int width;
    private final int height;
    private final int fps;
    private final Duration duration;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long framesSent;

    /** @param url the full publish URL, key included: never logged */
    public TestPatternEncoder(String url, int width, int height, int fps, Duration duration) {
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

    public long framesSent() {
        return framesSent;
    }

    /** Null after a clean run; what went wrong otherwise. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameGrabber video = new FFmpegFrameGrabber("testsrc2=size=" + width + "x" + height + ":rate=" + fps);
             FFmpegFrameGrabber audio = new FFmpegFrameGrabber("sine=frequency=440:sample_rate=48000");
             FFmpegFrameRecorder out = new FFmpegFrameRecorder(url, width, height, 2)) {
            video.setFormat("lavfi");
            video.setPixelFormat(avutil.AV_PIX_FMT_YUV420P); // hand libx264 its own format: no RGB round trip
            video.start();
            audio.setFormat("lavfi");
            audio.setAudioChannels(2);
            audio.start();
            out.setFormat("flv");
            out.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            out.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            out.setFrameRate(fps);
            out.setGopSize(2 * fps);
            out.setVideoBitrate(2_500_000);
            out.setVideoOption("preset", "ultrafast");
            out.setVideoOption("sc_threshold", "0");
            out.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            out.setSampleRate(48000);
            out.setAudioChannels(2);
            out.setAudioBitrate(128_000);
            out.start();
            long startNanos = System.nanoTime();
            long frames = duration.toMillis() * fps / 1000;
            for (long i = 0; i < frames && running; i++) {
                Frame picture = video.grabImage();
                if (picture == null) {
                    break;
                }
                long ptsMicros = i * 1_000_000L / fps;
                out.setTimestamp(ptsMicros);
                out.record(picture, avutil.AV_PIX_FMT_YUV420P);
                Frame samples;
                while (audio.getTimestamp() <= ptsMicros && (samples = audio.grabSamples()) != null) {
                    out.record(samples);
                }
                framesSent = i + 1;
                long dueNanos = startNanos + (i + 1) * 1_000_000_000L / fps;
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            out.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            log.error("demo encoder failed: {}", e.getMessage());
        }
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
