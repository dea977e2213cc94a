package dev.castrelay.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Drains a long-running process's output on a daemon thread and keeps its last lines.
 * Draining matters: a process whose pipe fills up blocks, and a blocked ffmpeg looks like a relay bug.
 */
public final class OutputTail {

    private final int maxLines;
    // Guarded by this: written by the drain thread, read by test threads.
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private boolean ended;

    private OutputTail(int maxLines) {
        this.maxLines = maxLines;
    }

    /** Starts draining {@code stream}, keeping at most {@code maxLines} of its latest lines. */
    public static OutputTail drain(InputStream stream, int maxLines, String threadName) {
        OutputTail tail = new OutputTail(maxLines);
        Thread thread = new Thread(() -> tail.readAll(stream), threadName);
        thread.setDaemon(true);
        thread.start();
        return tail;
    }

    private void readAll(InputStream stream) {
        // ffmpeg ends progress lines with '\r'; BufferedReader treats that as a line end too.
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                add(line);
            }
        } catch (IOException e) {
            add("<output unreadable: " + e.getMessage() + ">");
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void add(String line) {
        if (lines.size() == maxLines) {
            lines.removeFirst();
        }
        lines.addLast(line);
        notifyAll();
    }

    /** The kept lines, oldest first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The kept lines joined with newlines, for assertion messages. */
    public String text() {
        return String.join("\n", lines());
    }

    /**
     * Waits until a kept line matches. Returns false when the stream ends or the timeout passes first.
     * Only lines still in the tail are seen, so match on something that is printed late or rarely.
     */
    public synchronized boolean awaitLine(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (lines.stream().anyMatch(matcher)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
