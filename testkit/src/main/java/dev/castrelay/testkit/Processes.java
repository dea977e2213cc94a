package dev.castrelay.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs short commands with a timeout, signals processes, and waits for ports; the plumbing under the peers. */
public final class Processes {

    private Processes() {
    }

    /** What a finished command printed and how it exited. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Lines of stdout, without the empty trailing one. */
        public List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\\R"));
        }

        /** Throws with the command and its stderr unless it exited 0. */
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new PeerException(String.join(" ", command) + " exited " + exitCode + ":\n" + stderr);
            }
            return this;
        }
    }

    /**
     * Runs {@code command} to completion with stdin closed. On timeout the process tree is killed and a
     * {@link PeerException} names the command and the timeout.
     */
    public static Result run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }

    /** As {@link #run(Duration, String...)}. */
    public static Result run(Duration timeout, List<String> command) {
        Process process = start(new ProcessBuilder(command));
        try {
            process.getOutputStream().close();
            // Both pipes are read concurrently: reading one to the end first can deadlock on the other.
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process.toHandle(), Duration.ZERO);
                throw new PeerException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(List.copyOf(command), process.exitValue(),
                    out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(process.toHandle(), Duration.ZERO);
            throw new PeerException("interrupted while running " + command.get(0), e);
        } catch (IOException | ExecutionException | TimeoutException e) {
            destroyTree(process.toHandle(), Duration.ZERO);
            throw new PeerException("cannot read the output of " + command.get(0), e);
        }
    }

    /** Starts a process, turning "no such program" into a message that says what to install. */
    public static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new PeerException("cannot start " + builder.command().get(0)
                    + " (is it installed? .ci/run installs ffmpeg, nginx, libnginx-mod-rtmp, libnginx-mod-stream, openssl)", e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Sends a signal by name ("STOP", "CONT", "INT", "KILL") with the kill(1) command. */
    public static void signal(long pid, String signal) {
        // ProcessHandle can only TERM or KILL; STOP/CONT/INT need kill(1).
        run(Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(pid)).requireSuccess();
    }

    /**
     * Stops a process and everything below it: a polite TERM, {@code grace} to exit, then KILL.
     * Descendants are collected first because they are re-parented, and so unreachable, once the root dies.
     */
    public static void destroyTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        for (ProcessHandle handle : all) {
            // A stopped process cannot act on TERM until it runs again.
            if (handle.isAlive()) {
                runQuietly("kill", "-CONT", Long.toString(handle.pid()));
            }
        }
        if (!grace.isZero()) {
            root.destroy();
            awaitExit(root, grace);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(handle -> awaitExit(handle, Duration.ofSeconds(5)));
    }

    private static void runQuietly(String... command) {
        try {
            new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // Best effort: the KILL that follows does not depend on it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Still alive; the caller escalates or reports.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
