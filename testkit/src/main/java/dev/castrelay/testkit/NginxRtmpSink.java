package dev.castrelay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stand-in streaming platform: nginx with libnginx-mod-rtmp on 127.0.0.1, recording every publish
 * to its own FLV file ({@code record all; record_unique on;}). Start with {@link #start()} or
 * {@link #builder()}; close to stop nginx and delete its directory (probe recordings before that).
 *
 * <p>Facts about Debian's nginx-rtmp that shape this class:
 * <ul>
 *   <li>A recording is named {@code <stream key>-<unix seconds>.flv}: two publishes of the same key
 *       within one second share (and truncate) one file. Count sessions with {@link #publishSessions()},
 *       which reads the access log, not by counting files.</li>
 *   <li>A publish that is denied still leaves an empty file; {@link #recordings()} skips empty files.</li>
 *   <li>The access log line of a session is written when it disconnects, so a counted session's
 *       recording is complete.</li>
 * </ul>
 */
public final class NginxRtmpSink implements AutoCloseable {

    private final NginxProcess nginx;
    private final String application;
    private final Path recordDir;

    private NginxRtmpSink(NginxProcess nginx, String application, Path recordDir) {
        this.nginx = nginx;
        this.application = application;
        this.recordDir = recordDir;
    }

    /** A sink with application {@code live} that accepts and records every publish. */
    public static NginxRtmpSink start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a sink; defaults give an accepting, recording {@code live} application. */
    public static final class Builder {
        private String application = "live";
        private boolean denyPublish;
        private final List<String> directives = new ArrayList<>();

        private Builder() {
        }

        /** The RTMP application (first path segment of the URL). */
        public Builder application(String name) {
            this.application = name;
            return this;
        }

        /** Rejects every publish ({@code deny publish all;}), like a platform refusing a stream key. */
        public Builder denyPublish() {
            this.denyPublish = true;
            return this;
        }

        /** An extra directive inside the application block, e.g. {@code "drop_idle_publisher 5s;"}. */
        public Builder directive(String directive) {
            directives.add(directive);
            return this;
        }

        public NginxRtmpSink start() {
            Path dir = TempDirs.create("rtmp-sink");
            Path records = dir.resolve("recordings");
            Path accessLog = dir.resolve("access.log");
            try {
                Files.createDirectories(records);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StringBuilder app = new StringBuilder()
                    .append("      live on;\n")
                    .append("      record all;\n")
                    .append("      record_path ").append(records).append(";\n")
                    // One file per publish session, suffixed with the session's start time.
                    .append("      record_unique on;\n");
            if (denyPublish) {
                app.append("      deny publish all;\n");
            }
            directives.forEach(d -> app.append("      ").append(d).append('\n'));
            String application = this.application;
            NginxProcess nginx = NginxProcess.start(dir, List.of("ngx_rtmp_module.so"), port -> "rtmp {\n"
                    + "  server {\n"
                    + "    listen 127.0.0.1:" + port + ";\n"
                    // Platforms take the keyframes of 4K streams; nginx-rtmp's 1M default refuses them above ~20 Mb/s.
                    + "    max_message 16M;\n"
                    + "    access_log " + accessLog + ";\n"
                    + "    application " + application + " {\n" + app + "    }\n"
                    + "  }\n"
                    + "}\n");
            NginxRtmpSink sink = new NginxRtmpSink(nginx, application, records);
            ShutdownSafetyNet.register(sink);
            return sink;
        }
    }

    public int port() {
        return nginx.port();
    }

    /** {@code rtmp://127.0.0.1:PORT/APP}: the server URL a relay target is configured with. */
    public String url() {
        return "rtmp://127.0.0.1:" + port() + "/" + application;
    }

    /** {@code rtmp://127.0.0.1:PORT/APP/KEY}: what ffmpeg publishes to. */
    public String streamUrl(String streamKey) {
        return url() + "/" + streamKey;
    }

    public String application() {
        return application;
    }

    /** Non-empty recordings so far, by last write (finished sessions first); the last may still be growing. */
    public List<Path> recordings() {
        if (!Files.isDirectory(recordDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(recordDir)) {
            return files.filter(f -> f.toString().endsWith(".flv"))
                    .filter(NginxRtmpSink::nonEmpty)
                    .sorted(Comparator.comparing(NginxRtmpSink::modified).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until a publish session has ended and returns the most recently written recording, which is
     * complete unless another publish has started since.
     * Throws with the error log if none arrives in time.
     */
    public Path awaitRecording(Duration timeout) {
        awaitPublishSessions(1, timeout);
        List<Path> files = recordings();
        if (files.isEmpty()) {
            throw new PeerException("a publish session ended but left no recording in " + recordDir
                    + "; error log:\n" + nginx.errorLog());
        }
        return files.get(files.size() - 1);
    }

    /** Publish sessions that have ended (accepted or denied), from the access log. */
    public int publishSessions() {
        Path log = nginx.dir().resolve("access.log");
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            try (Stream<String> lines = Files.lines(log)) {
                // Default "combined" format: ADDR [TIME] COMMAND "APP" "NAME" ...
                return (int) lines.filter(line -> line.contains("] PUBLISH \"")).count();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes refused by {@code deny publish} (or an {@code allow}/{@code deny} directive), from the error log. */
    public int refusedPublishes() {
        return (int) nginx.errorLog().lines().filter(line -> line.contains("access forbidden by rule")).count();
    }

    /** Waits until at least {@code count} publish sessions have ended. */
    public void awaitPublishSessions(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (publishSessions() < count) {
            if (System.nanoTime() > deadline) {
                throw new PeerException("expected " + count + " ended publish sessions within " + timeout
                        + ", saw " + publishSessions() + "; error log:\n" + errorLog());
            }
            sleep();
        }
    }

    /** The nginx error log (at level info, so it shows connects, publishes and disconnects). */
    public String errorLog() {
        return nginx.errorLog();
    }

    /** The worker process, which holds every RTMP connection. */
    public long workerPid() {
        return nginx.workerPid();
    }

    /**
     * Stops the worker with SIGSTOP: connections stay open but nothing is read, so a pusher's socket
     * buffer fills up, like a platform that stalls. New connections still complete (the kernel accepts them).
     */
    public void freezeWorker() {
        Processes.signal(workerPid(), "STOP");
    }

    /** Resumes a frozen worker with SIGCONT. */
    public void thawWorker() {
        Processes.signal(workerPid(), "CONT");
    }

    /** Kills nginx with SIGKILL: connections drop and the port refuses until {@link #restart()}. */
    public void kill() {
        nginx.kill();
    }

    /** Starts nginx again on the same port; earlier recordings and the session count are kept. */
    public void restart() {
        nginx.restart();
    }

    public boolean isRunning() {
        return nginx.isRunning();
    }

    @Override
    public void close() {
        ShutdownSafetyNet.unregister(this);
        nginx.close();
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for the sink", e);
        }
    }
}
