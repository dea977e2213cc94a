package dev.castrelay.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The encoder a streamer would run: ffmpeg publishing a test pattern ({@code testsrc2} + a 440 Hz
 * {@code sine}) as H.264 + AAC in FLV, in real time ({@code -re}), to an RTMP or RTMPS URL, or in MPEG-TS to an
 * SRT URL ({@code srt://HOST:PORT?streamid=...}).
 * The same content can be written to a local FLV file at full speed with {@link Builder#writeFlv(Path)}.
 *
 * <p>The video has a fixed GOP ({@code -g} = gop seconds x fps, {@code -sc_threshold 0}, no B-frames
 * with {@code ultrafast}), so keyframe timestamps are predictable: 0, gop, 2 x gop, ...
 */
public final class FfmpegPublisher implements AutoCloseable {

    private static final int STDERR_LINES = 200;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final OutputTail stderr;
    private final String url;

    private FfmpegPublisher(Process process, String url) {
        this.process = process;
        this.url = url;
        this.stderr = OutputTail.drain(process.getErrorStream(), STDERR_LINES, "ffmpeg-" + process.pid() + "-stderr");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishes the default pattern (640x360, 30 fps, 5 s) to {@code url} and returns at once. */
    public static FfmpegPublisher publish(String url) {
        return builder().publish(url);
    }

    /** What to encode; defaults: 640x360, 30 fps, 5 s, 2 s GOP, 1000 kbit/s video, 48 kHz stereo AAC. */
    public static final class Builder {
        private int width = 640;
        private int height = 360;
        private int fps = 30;
        private Duration duration = Duration.ofSeconds(5);
        private double gopSeconds = 2;
        private int videoKbps = 1000;
        private boolean grain;
        private String videoCodec = "h264";
        private Path caFile;

        private Builder() {
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder fps(int fps) {
            this.fps = fps;
            return this;
        }

        /** How long the stream lasts; ffmpeg then ends the publish itself and exits 0. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Streams until {@link FfmpegPublisher#stop()}, like a streamer who forgets the clock. */
        public Builder untilStopped() {
            this.duration = null;
            return this;
        }

        public Builder gopSeconds(double seconds) {
            this.gopSeconds = seconds;
            return this;
        }

        public Builder videoBitrateKbps(int kbps) {
            this.videoKbps = kbps;
            return this;
        }

        /**
         * Film grain over the pattern ({@code noise} filter, new every frame), so the encoder really spends the
         * bitrate it is given, as a camera's picture makes it: a clean {@code testsrc2} compresses to a fraction.
         */
        public Builder grain() {
            this.grain = true;
            return this;
        }

        /**
         * Publishes {@code hevc} (libx265) or {@code av1} (SVT-AV1) over Enhanced RTMP with FFmpeg 7.1's program
         * ({@link Ffmpeg71}), as OBS 30+ does when a user picks that codec; {@code h264} is the default.
         */
        public Builder videoCodec(String codec) {
            if (!List.of("h264", "hevc", "av1").contains(codec)) {
                throw new IllegalArgumentException("video codec " + codec + "; expected h264, hevc or av1");
            }
            this.videoCodec = codec;
            return this;
        }

        /** For rtmps: verify the server certificate against this CA (ffmpeg's default is no verification). */
        public Builder trustCa(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        /**
         * Starts publishing in real time to {@code url}: rtmp:// or rtmps:// including the stream key, or srt://
         * with the key in its streamid.
         */
        public FfmpegPublisher publish(String url) {
            ProcessBuilder builder = new ProcessBuilder(command(true, url));
            FfmpegPublisher publisher = new FfmpegPublisher(Processes.start(builder), url);
            ShutdownSafetyNet.register(publisher);
            return publisher;
        }

        /** Writes the same content to a local FLV file as fast as the CPU allows; returns {@code file}. */
        public Path writeFlv(Path file) {
            if (duration == null) {
                throw new IllegalStateException("writeFlv needs a duration; untilStopped() only makes sense for publish()");
            }
            Duration timeout = Duration.ofSeconds(60).plus(duration.multipliedBy(5));
            Processes.run(timeout, command(false, file.toString())).requireSuccess();
            return file;
        }

        List<String> command(boolean realtime, String output) {
            int gopFrames = (int) Math.max(1, Math.round(gopSeconds * fps));
            String program = videoCodec.equals("h264") ? "ffmpeg" : Ffmpeg71.program().toString();
            List<String> cmd = new ArrayList<>(List.of(program, "-hide_banner", "-nostats", "-loglevel", "info"));
            if (!realtime) {
                cmd.addAll(List.of("-nostdin", "-y"));
            }
            // -re is per input: without it on the audio input, audio would run ahead and be buffered.
            addInput(cmd, realtime, "testsrc2=size=" + width + "x" + height + ":rate=" + fps);
            addInput(cmd, realtime, "sine=frequency=440:sample_rate=48000");
            if (duration != null) {
                cmd.addAll(List.of("-t", seconds(duration)));
            }
            if (grain) {
                cmd.addAll(List.of("-vf", "noise=alls=30:allf=t"));
            }
            cmd.addAll(List.of("-map", "0:v", "-map", "1:a"));
            cmd.addAll(switch (videoCodec) {
                case "hevc" -> List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error");
                case "av1" -> List.of("-c:v", "libsvtav1", "-preset", "12");
                default -> List.of("-c:v", "libx264", "-preset", "ultrafast");
            });
            cmd.addAll(List.of("-pix_fmt", "yuv420p",
                    "-g", Integer.toString(gopFrames), "-keyint_min", Integer.toString(gopFrames), "-sc_threshold", "0",
                    "-b:v", videoKbps + "k"));
            if (!videoCodec.equals("av1")) { // SVT-AV1 caps the rate only in CRF mode, and refuses a maxrate here
                cmd.addAll(List.of("-maxrate", videoKbps + "k", "-bufsize", (2 * videoKbps) + "k"));
            }
            cmd.addAll(List.of("-c:a", "aac", "-ac", "2", "-b:a", "128k"));
            if (caFile != null) {
                // Handed down by the rtmps protocol to its tls layer.
                cmd.addAll(List.of("-tls_verify", "1", "-ca_file", caFile.toString()));
            }
            // SRT carries MPEG-TS, as OBS and hardware encoders send it; RTMP carries FLV.
            cmd.addAll(List.of("-f", output.startsWith("srt://") ? "mpegts" : "flv", output));
            return cmd;
        }

        private static void addInput(List<String> cmd, boolean realtime, String lavfi) {
            if (realtime) {
                cmd.add("-re");
            }
            cmd.addAll(List.of("-f", "lavfi", "-i", lavfi));
        }

        private static String seconds(Duration d) {
            return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
        }
    }

    /**
     * Publishes an existing FLV file in real time ({@code ffmpeg -re -i FILE -c copy}), as an encoder sends what it
     * has just encoded, without spending CPU on encoding during the test (see {@link Builder#writeFlv(Path)}).
     */
    public static FfmpegPublisher publishFile(Path file, String url) {
        ProcessBuilder builder = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "info",
                "-re", "-i", file.toString(), "-c", "copy", "-f", "flv", url);
        FfmpegPublisher publisher = new FfmpegPublisher(Processes.start(builder), url);
        ShutdownSafetyNet.register(publisher);
        return publisher;
    }

    /** Kills ffmpeg outright (SIGKILL): an encoder whose machine died, which says no goodbye. */
    public void kill() {
        Processes.destroyTree(process.toHandle(), Duration.ZERO);
    }

    public long pid() {
        return process.pid();
    }

    public String url() {
        return url;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or empty while ffmpeg runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Waits for ffmpeg to exit and returns its exit code (0 after a complete publish, non-zero when
     * the server refused or dropped it). Throws with the stderr tail if it is still running at the timeout.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PeerException("ffmpeg publishing to " + url + " still running after " + timeout
                        + "; stderr:\n" + stderrTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for ffmpeg", e);
        }
    }

    /**
     * Waits until ffmpeg reports its output open ("Output #0"), which it prints once the connection
     * and the publish handshake have succeeded. False if it exits or the timeout passes first.
     */
    public boolean awaitStreaming(Duration timeout) {
        try {
            return stderr.awaitLine(line -> line.startsWith("Output #0"), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for ffmpeg", e);
        }
    }

    /** The last lines ffmpeg wrote to stderr, for assertion messages. */
    public String stderrTail() {
        return stderr.text();
    }

    /**
     * Ends the publish the way a person would: 'q' on stdin (ffmpeg finishes the stream and exits 0),
     * then SIGINT if ffmpeg is stuck in a blocked write, then SIGKILL. Returns the exit code.
     */
    public int stop() {
        if (process.isAlive()) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write('q');
                stdin.flush();
            } catch (IOException e) {
                // ffmpeg closed stdin or is exiting; the signals below still apply.
            }
            if (!waitFor(STOP_GRACE)) {
                interrupt();
                if (!waitFor(STOP_GRACE)) {
                    Processes.destroyTree(process.toHandle(), Duration.ZERO);
                }
            }
        }
        return awaitExit(STOP_GRACE);
    }

    private void interrupt() {
        try {
            Processes.signal(process.pid(), "INT");
        } catch (PeerException e) {
            // It exited between the wait and the signal.
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        ShutdownSafetyNet.unregister(this);
        if (process.isAlive()) {
            stop();
        }
    }
}
