package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.RateMeter;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk side of an archive target: a thread of its own that takes packets from one queue and writes them into
 * the archive's files ({@link ArchiveRecording}), and the target's state and health.
 *
 * <p>Threading: {@link #offer} and {@link #signal} are called by the target's event loop and never block: when the
 * queue is full (the disk is slow or stuck) packets are dropped, whole GOPs at a time, and counted. Everything else
 * runs on the writer thread, which owns the file. Disk trouble (full, read-only, gone, or free space about to fall
 * under {@code minFreeBytes}) makes the target {@code failed} with the reason; it never reaches the media path.
 */
final class ArchiveWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final long TICK_MILLIS = 250;
    /** Frames dropped this recently keep the target {@code degraded}. */
    private static final long DROP_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** One write taking this long: the disk is stuck, and says so in the health. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Headers are queued even when media is dropped; this many waiting means the writer is gone for good. */
    private static final int MAX_QUEUED_COMMANDS = 100_000;

    /** What the loop hands the writer, in order. */
    private sealed interface Command permits Media, Signal {
    }

    private record Media(MediaPacket packet) implements Command {
    }

    /** Lifecycle steps, never dropped. */
    enum Signal implements Command { ENABLE, DISABLE, RESTART, STREAM_END, STOP }

    private final String id;
    private final ArchiveSettings settings;
    private final BlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final RateMeter meter = new RateMeter(Duration.ofSeconds(5));

    // Owned by the loop (offer, signal).
    private boolean skipping;
    private boolean sawVideo;
    private long dropped;
    private long lastDropLogNanos = Long.MIN_VALUE / 2;

    // Owned by the writer thread.
    private final ArchiveRecording recording;
    private boolean enabled;
    private long lastTickNanos;
    private long ticks;
    private volatile Promise<Void> stopped;

    // Written by the writer thread (or the loop, for drops), read by health snapshots from any thread.
    private volatile TargetState state = TargetState.WAITING;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private volatile boolean failed;
    private volatile long bytesWritten;
    private volatile long droppedFrames;
    private volatile long lastDropNanos = Long.MIN_VALUE / 2;
    private volatile long newestOffered = Long.MIN_VALUE;
    private volatile long lastWritten = Long.MIN_VALUE;
    /** When the write in progress began, or 0 between writes. */
    private volatile long busySinceNanos;

    ArchiveWriter(String id, ArchiveSettings settings) {
        this.id = id;
        this.settings = settings;
        this.recording = new ArchiveRecording(id, settings);
    }

    // ---- the loop's side ----

    /** Queues {@code p} for the disk (retained), or drops it when the queue is full; never blocks. */
    void offer(MediaPacket p) {
        if (failed) {
            return;
        }
        boolean header = p.isData() || p.isSequenceHeader();
        if (p.isVideo() && p.isSequenceHeader()) {
            sawVideo = true;
        }
        if (!header) {
            // Whole GOPs only: once one packet is dropped, so is everything up to the next keyframe (the next audio
            // frame of an audio-only stream), which starts cleanly.
            boolean startsGop = p.isVideo() ? p.isKeyframe() : !sawVideo;
            boolean room = queuedBytes.get() + p.heldBytes() <= settings.maxQueueBytes()
                    && (lastWritten == Long.MIN_VALUE || p.timestamp() - lastWritten <= settings.maxQueueMillis());
            if (skipping && !(startsGop && room) || !skipping && !room) {
                long now = System.nanoTime();
                if (!skipping && now - lastDropLogNanos > DROP_MEMORY_NANOS) {
                    lastDropLogNanos = now; // once per episode, at most every 10 s: a slow disk must not flood the log
                    log.warn("archive {}: the disk is behind ({} KB waiting): dropping whole GOPs until it catches up",
                            id, queuedBytes.get() / 1024);
                }
                skipping = true;
                droppedFrames = ++dropped;
                lastDropNanos = now;
                return;
            }
            skipping = false;
        } else if (queue.size() > MAX_QUEUED_COMMANDS) {
            return;
        }
        queuedBytes.addAndGet(p.heldBytes());
        newestOffered = p.timestamp();
        queue.add(new Media(p.retain()));
    }

    /** Queues a lifecycle step; {@link Signal#STREAM_END} also starts the next publish's drop state afresh. */
    void signal(Signal s) {
        if (s == Signal.STREAM_END) {
            sawVideo = false;
            skipping = false;
        }
        if (s == Signal.RESTART || s == Signal.ENABLE) {
            failed = false; // packets offered from now on are for the fresh start
        }
        queue.add(s);
    }

    /** Ends the writer thread once it has closed its file; {@code done} completes then. */
    void stop(Promise<Void> done) {
        stopped = done;
        queue.add(Signal.STOP);
    }

    boolean failed() {
        return failed;
    }

    /** Bytes waiting for the writer thread. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    // ---- the writer thread ----

    @Override
    public void run() {
        try {
            while (true) {
                Command c = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                busySinceNanos = System.nanoTime();
                try {
                    if (c instanceof Media m) {
                        try {
                            media(m.packet());
                        } finally {
                            queuedBytes.addAndGet(-m.packet().heldBytes());
                            m.packet().release();
                        }
                    } else if (c instanceof Signal s) {
                        signalled(s);
                    }
                    periodically();
                } finally {
                    busySinceNanos = 0;
                }
                if (c == Signal.STOP) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSegment();
            Command c;
            while ((c = queue.poll()) != null) {
                if (c instanceof Media m) {
                    m.packet().release();
                }
            }
            Promise<Void> done = stopped;
            if (done != null) {
                done.trySuccess(null);
            }
        }
    }

    private void signalled(Signal s) {
        switch (s) {
            case ENABLE -> {
                if (!enabled) {
                    enabled = true;
                    failed = false;
                    lastError = null;
                    setState(TargetState.WAITING, null);
                }
            }
            case DISABLE -> {
                enabled = false;
                closeSegment();
                setState(TargetState.DISABLED, null);
            }
            case RESTART -> {
                if (enabled) {
                    closeSegment();
                    failed = false;
                    lastError = null;
                    setState(TargetState.WAITING, "restart requested");
                }
            }
            case STOP -> closeSegment(); // and the thread ends; the state stays as it was
            case STREAM_END -> {
                recording.streamEnded();
                closed();
                if (enabled && !failed) {
                    setState(TargetState.WAITING, null);
                }
            }
        }
    }

    private void media(MediaPacket p) {
        if (!enabled || failed) {
            return;
        }
        try {
            if (recording.write(p)) {
                meter.record(p.size(), p.isVideo());
            }
            bytesWritten = recording.bytesWritten();
            lastWritten = p.timestamp();
            if (recording.isOpen()) {
                setState(TargetState.LIVE, null);
            }
        } catch (DiskSpace.Low | TsSegment.UnsupportedCodec e) {
            fail(e.getMessage());
        } catch (IOException e) {
            Path file = recording.currentFile();
            fail("cannot write " + (file != null ? file : settings.directory()) + ": " + reason(e));
        }
    }

    private void periodically() {
        long now = System.nanoTime();
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        if (now - lastTickNanos < tick) {
            return;
        }
        lastTickNanos = now;
        try {
            if (++ticks % (1_000 / TICK_MILLIS) == 0) {
                recording.sync(); // once a second on the disk itself: a machine that dies loses the last second
            }
            recording.checkSpace();
        } catch (DiskSpace.Low e) {
            fail(e.getMessage());
        } catch (IOException e) {
            fail("cannot write " + recording.currentFile() + ": " + reason(e));
        }
    }

    private void fail(String why) {
        closeSegment();
        failed = true;
        lastError = why;
        setState(TargetState.FAILED, null);
    }

    private void closeSegment() {
        recording.close();
        closed();
    }

    private void closed() {
        bytesWritten = recording.bytesWritten();
        meter.reset();
    }

    private void setState(TargetState next, String why) {
        TargetState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        since = Instant.now();
        String detail = why != null ? why : next == TargetState.FAILED ? lastError : null;
        if (next == TargetState.FAILED) {
            log.warn("target {}: {} -> {} ({})", id, previous.id(), next.id(), detail);
        } else {
            log.info("target {}: {} -> {}{}", id, previous.id(), next.id(), detail == null ? "" : " (" + detail + ")");
        }
    }

    /** The operating system's word for an I/O failure ("No space left on device"), without the path again. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        // These two carry only the path; their reason is their type.
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A snapshot for the health document; safe from any thread. */
    TargetHealth health(TargetSpec spec) {
        TargetState s = state;
        String error = lastError;
        long now = System.nanoTime();
        long busy = busySinceNanos;
        boolean stuck = busy != 0 && now - busy > STUCK_NANOS;
        if (s == TargetState.LIVE && (stuck || now - lastDropNanos < DROP_MEMORY_NANOS)) {
            s = TargetState.DEGRADED;
            if (stuck) {
                error = "the disk has not finished a write for " + TimeUnit.NANOSECONDS.toSeconds(now - busy)
                        + " s: frames are dropped until it does";
            }
        }
        boolean sending = s == TargetState.LIVE || s == TargetState.DEGRADED;
        long newest = newestOffered;
        long written = lastWritten;
        long queueMs = queue.isEmpty() || newest == Long.MIN_VALUE || written == Long.MIN_VALUE ? 0
                : Math.max(0, newest - written);
        return new TargetHealth(spec.id(), spec.platform(), spec.rendition(), spec.maskedUrl(), s, since,
                sending ? meter.bitrateKbps() : 0, sending ? meter.fps() : 0, queueMs, droppedFrames, 0,
                bytesWritten, error, null);
    }

}
