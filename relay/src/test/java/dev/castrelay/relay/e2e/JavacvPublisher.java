package dev.castrelay.relay.e2e;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An encoder inside this JVM that publishes with FFmpeg's RTMP client through JavaCV, the way {@code relay demo}'s
 * test-pattern encoder does: lavfi {@code testsrc2} + {@code sine}, libx264 ultrafast + AAC, paced in real time.
 * A second RTMP client implementation besides the ffmpeg CLI (same library, different build and muxer setup).
 */
final class JavacvPublisher implements AutoCloseable {

    private final String url;
    private final int width;
    private final int height;
    private final int fps;
    private final Duration duration;
    private final Thread thread;
    private final AtomicLong framesSent = new AtomicLong();
    private volatile boolean running = true;
    private volatile Exception failure;

    private JavacvPublisher(String url, int width, int height, int fps, Duration duration) {
        this.url = url;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.duration = duration;
        this.thread = new Thread(this::run, "javacv-publisher");
        this.thread.setDaemon(true);
    }

    /** Starts publishing {@code duration} of 640x360 30 fps to {@code url} (key included) on its own thread. */
    static JavacvPublisher publish(String url, Duration duration) {
        JavacvPublisher publisher = new JavacvPublisher(url, 640, 360, 30, duration);
        publisher.thread.start();
        return publisher;
    }

    long framesSent() {
        return framesSent.get();
    }

    /** Null after a clean run; what went wrong otherwise. */
    Exception failure() {
        return failure;
    }

    /** Waits for the publish to end (the stream closed with FFmpeg's trailer); false on timeout. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    private void run() {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        try (FFmpegFrameGrabber video = new FFmpegFrameGrabber("testsrc2=size=" + width + "x" + height + ":rate=" + fps);
             FFmpegFrameGrabber audio = new FFmpegFrameGrabber("sine=frequency=440:sample_rate=48000");
             FFmpegFrameRecorder out = new FFmpegFrameRecorder(url, width, height, 2)) {
            video.setFormat("lavfi");
            video.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            video.start();
            audio.setFormat("lavfi");
            audio.setAudioChannels(2);
            audio.start();
            out.setFormat("flv");
            out.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            out.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            out.setFrameRate(fps);
            out.setGopSize(2 * fps);
            out.setVideoBitrate(1_000_000);
            out.setVideoOption("preset", "ultrafast");
            out.setVideoOption("sc_threshold", "0");
            out.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            out.setSampleRate(48000);
            out.setAudioChannels(2);
            out.setAudioBitrate(128_000);
            out.start();
            long start = System.nanoTime();
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
                framesSent.set(i + 1);
                long wait = start + (i + 1) * 1_000_000_000L / fps - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            out.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        awaitEnd(Duration.ofSeconds(10));
    }
}
