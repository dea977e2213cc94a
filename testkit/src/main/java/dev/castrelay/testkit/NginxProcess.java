package dev.castrelay.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One foreground nginx master with a generated config in its own directory: the lifecycle shared by
 * {@link NginxRtmpSink} and {@link TlsFront}. Owned by one test thread; not thread-safe.
 */
final class NginxProcess {

    private static final Logger LOG = LoggerFactory.getLogger(NginxProcess.class);
    private static final Path MODULES = Path.of("/usr/lib/nginx/modules");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 3;

    private final Path dir;
    private final List<String> modules;
    private final IntFunction<String> body;
    private int port;
    private Process master;

    private NginxProcess(Path dir, List<String> modules, IntFunction<String> body) {
        this.dir = dir;
        this.modules = modules;
        this.body = body;
    }

    /**
     * Starts nginx in {@code dir} on a free port. {@code body} renders the top-level block (rtmp or
     * stream) for a port; a port taken by someone else between choosing and binding is retried.
     */
    static NginxProcess start(Path dir, List<String> modules, IntFunction<String> body) {
        NginxProcess nginx = new NginxProcess(dir, modules, body);
        for (int attempt = 1; ; attempt++) {
            nginx.port = FreePorts.next();
            try {
                nginx.launch();
                return nginx;
            } catch (PeerException e) {
                if (attempt == PORT_ATTEMPTS || !nginx.errorLog().contains("Address already in use")) {
                    throw e;
                }
                LOG.info("port {} was taken before nginx bound it; trying another", nginx.port);
            }
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    private void launch() {
        Path conf = dir.resolve("nginx.conf");
        Path pid = dir.resolve("nginx.pid");
        try {
            Files.writeString(conf, config());
            Files.deleteIfExists(pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder("nginx", "-e", errorLogPath().toString(),
                "-p", dir + "/", "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        master = Processes.start(builder);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // nginx writes its pid file only after binding every listener (and it retries a busy port for
        // seconds), so "pid file exists" tells our nginx apart from whoever else might be on the port.
        while (!(Files.exists(pid) && Processes.accepts(port))) {
            if (!master.isAlive() || System.nanoTime() > deadline) {
                Processes.destroyTree(master.toHandle(), Duration.ZERO);
                throw new PeerException("nginx in " + dir + " did not start listening on 127.0.0.1:" + port
                        + " (exit " + (master.isAlive() ? "none, timed out" : master.exitValue()) + "); error log:\n"
                        + errorLog() + "\nconfig:\n" + config());
            }
            sleep(50);
        }
        LOG.debug("nginx {} listening on 127.0.0.1:{} in {}", master.pid(), port, dir);
    }

    private String config() {
        StringBuilder conf = new StringBuilder();
        for (String module : modules) {
            conf.append("load_module ").append(MODULES.resolve(module)).append(";\n");
        }
        if ("root".equals(ProcessHandle.current().info().user().orElse(""))) {
            // A root master would run workers as "nobody", who cannot write our 0700 temp dir.
            conf.append("user root;\n");
        }
        conf.append("worker_processes 1;\n")
                .append("error_log ").append(errorLogPath()).append(" info;\n")
                .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
                .append("events { worker_connections 256; }\n")
                .append(body.apply(port));
        return conf.toString();
    }

    private Path errorLogPath() {
        return dir.resolve("error.log");
    }

    /** The error log so far, plus anything nginx printed before it could open that log. */
    String errorLog() {
        return read(dir.resolve("nginx.out")) + read(errorLogPath());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e.getMessage() + ">";
        }
    }

    boolean isRunning() {
        return master != null && master.isAlive();
    }

    /** The single worker process, which owns every connection; waits briefly for the master to fork it. */
    long workerPid() {
        requireRunning();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Optional<ProcessHandle> worker = master.toHandle().children().findFirst();
            if (worker.isPresent()) {
                return worker.get().pid();
            }
            if (System.nanoTime() > deadline) {
                throw new PeerException("nginx master " + master.pid() + " has no worker; error log:\n" + errorLog());
            }
            sleep(20);
        }
    }

    long masterPid() {
        requireRunning();
        return master.pid();
    }

    /** Kills master and worker with SIGKILL: connections drop as if the machine had vanished. */
    void kill() {
        if (master != null) {
            Processes.destroyTree(master.toHandle(), Duration.ZERO);
        }
    }

    /** Starts again on the same port with the same config (killing first if still running). */
    void restart() {
        kill();
        launch();
    }

    /** Stops nginx (TERM, then KILL) and deletes its directory. */
    void close() {
        if (master != null) {
            Processes.destroyTree(master.toHandle(), Duration.ofSeconds(3));
        }
        TempDirs.delete(dir);
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new PeerException("nginx in " + dir + " is not running; error log:\n" + errorLog());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted while waiting for nginx", e);
        }
    }
}
