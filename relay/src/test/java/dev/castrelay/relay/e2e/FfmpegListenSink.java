package dev.castrelay.relay.e2e;

import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.PeerException;
import dev.castrelay.testkit.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A platform stand-in on a different RTMP stack than nginx-rtmp: FFmpeg's own RTMP server
 * ({@code ffmpeg -listen 1 -i rtmp://...}), taking one publisher and copying what it sends into an FLV file.
 * It gives up if nobody connects within the accept timeout, and ends when the publisher unpublishes or sends
 * nothing for the read timeout.
 */
final class FfmpegListenSink implements AutoCloseable {

    private final int port;
    private final Path output;
    private final Path stderr;
    private final Process process;

    private FfmpegListenSink(int port, Path output, Path stderr, Process process) {
        this.port = port;
        this.output = output;
        this.stderr = stderr;
        this.process = process;
    }

    /** Listens on 127.0.0.1 (a free port) and returns once the socket is listening. */
    static FfmpegListenSink start(Path dir, Duration acceptTimeout, Duration readTimeout) {
        int port = FreePorts.next();
        Path output = dir.resolve("ffmpeg-listen.flv");
        Path stderr = dir.resolve("ffmpeg-listen.log");
        ProcessBuilder builder = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-nostats",
                "-loglevel", "info",
                // rw_timeout (microseconds) ends the recording when the stream stops without an unpublish.
                "-rw_timeout", Long.toString(readTimeout.toMillis() * 1000),
                // For rtmp, "timeout" is the accept timeout in seconds (and implies listen).
                "-listen", "1", "-timeout", Long.toString(Math.max(1, acceptTimeout.toSeconds())),
                "-i", "rtmp://127.0.0.1:" + port + "/live/listen",
                "-c", "copy", "-f", "flv", "-y", output.toString()))
                .redirectErrorStream(true)
                .redirectOutput(stderr.toFile());
        FfmpegListenSink sink = new FfmpegListenSink(port, output, stderr, Processes.start(builder));
        sink.awaitListening(Duration.ofSeconds(10));
        return sink;
    }

    /** The server URL a relay target is configured with. */
    String url() {
        return "rtmp://127.0.0.1:" + port + "/live";
    }

    Path output() {
        return output;
    }

    /** Waits for ffmpeg to finish writing the file; throws with its log if it has not. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new PeerException("ffmpeg -listen on port " + port + " still running after " + timeout
                        + "; log:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for ffmpeg -listen", e);
        }
    }

    String log() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Probing the port with a connection would use up ffmpeg's only accept, so this reads the kernel's socket
     * table instead: a 127.0.0.1 socket on our port in state 0A (LISTEN).
     */
    private void awaitListening(Duration timeout) {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean listening = Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                        .map(String::trim)
                        .map(line -> line.split("\\s+"))
                        .anyMatch(f -> f.length > 3 && f[1].equals(local) && f[3].equals("0A"));
                if (listening) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/net/tcp (this test needs Linux)", e);
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new PeerException("ffmpeg did not listen on 127.0.0.1:" + port + "; log:\n" + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while waiting for ffmpeg -listen", e);
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.destroyTree(process.toHandle(), Duration.ofSeconds(3));
        }
    }
}
