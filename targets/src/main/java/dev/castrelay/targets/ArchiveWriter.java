package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk side of an archive target: a thread of its own that takes packets from one queue and writes them into
 * MPEG-TS files ({@link TsSegment}), a new one every {@code segmentMillis} (at a keyframe), at every new publish and
 * whenever the codecs change (a failover to an encoder with other settings).
 *
 * <p>Threading: {@link #offer} and {@link #signal} are called by the target's event loop and never block: when the
 * queue is full (the disk is slow or stuck) packets are dropped, whole GOPs at a time, and counted. Everything else
 * runs on the writer thread, which owns the file. Disk trouble (full, read-only, gone, or free space about to fall
 * under {@code minFreeBytes}) makes the target {@code failed} with the reason; it never reaches the media path.
 */
final class ArchiveWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final long TICK_MILLIS = 250;
    /** Frames dropped this recently keep the target {@code degraded}. */
    private static final long DROP_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** One write taking this long: the disk is stuck, and says so in the health. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** What the muxer may still write after the last check of free space: its buffer and a packet in hand. */
    private static final long WRITE_MARGIN_BYTES = 256 * 1024;
    /** Free space is read again after this much was written, even between ticks. */
    private static final long RECHECK_BYTES = 1024 * 1024;
    /** A timestamp this far behind the last one is a new timeline (a new publisher), not jitter. */
    private static final long BACKWARDS_MILLIS = 1_000;
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
    private final RateMeter meter = new RateMeter(5);

    // Owned by the loop (offer, signal).
    private boolean skipping;
    private boolean sawVideo;
    private long dropped;
    private long lastDropLogNanos = Long.MIN_VALUE / 2;

    // Owned by the writer thread.
    private TsSegment segment;
    private VideoCodec videoCodec;
    private byte[] videoConfig;
    private byte[] audioConfig;
    private long base;
    private long lastVideoDts;
    private long lastAudioDts;
    private boolean enabled;
    private FileStore store;
    private long freeAtCheck;
    private long writtenAtCheck;
    private long lastCheckNanos;
    private long syncedBytes;
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
    private volatile Path currentFile;

    ArchiveWriter(String id, ArchiveSettings settings) {
        this.id = id;
        this.settings = settings;
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
            boolean room = queuedBytes.get() + p.size() <= settings.maxQueueBytes()
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
        queuedBytes.addAndGet(p.size());
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
                            queuedBytes.addAndGet(-m.packet().size());
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
                closeSegment(); // the next publish gets a file of its own
                videoCodec = null;
                videoConfig = null;
                audioConfig = null;
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
            if (p.isVideo()) {
                video(p);
            } else if (p.isAudio()) {
                audio(p);
            }
            lastWritten = p.timestamp();
        } catch (DiskFull | TsSegment.UnsupportedCodec e) {
            fail(e.getMessage());
        } catch (IOException e) {
            fail("cannot write " + (currentFile != null ? currentFile : settings.directory()) + ": " + reason(e));
        }
    }

    private void video(MediaPacket p) throws IOException {
        ByteBuf b = p.payload();
        VideoTag tag = VideoTag.parse(b);
        if (tag == null || tag.codec() == null) {
            return;
        }
        int from = b.readerIndex() + tag.dataOffset();
        if (tag.type() == VideoTag.Type.SEQUENCE_START) {
            byte[] record = ByteBufUtil.getBytes(b, from, b.writerIndex() - from);
            if (tag.codec() != videoCodec || !Arrays.equals(record, videoConfig)) {
                closeSegment(); // another encoder, or other settings: a file of their own
                videoCodec = tag.codec();
                videoConfig = record;
            }
            return;
        }
        if (tag.type() != VideoTag.Type.CODED_FRAME || tag.codec() != videoCodec || b.writerIndex() <= from) {
            return;
        }
        long ts = p.timestamp();
        if (segment != null && tag.keyframe() && (!segment.hasVideo() || ts - base >= settings.segmentMillis()
                || ts < lastVideoDts + base - BACKWARDS_MILLIS)) {
            closeSegment();
        }
        if (segment == null) {
            if (!tag.keyframe() || videoConfig == null) {
                return; // a file starts at a keyframe
            }
            open(ts);
        }
        long dts = ts - base;
        if (dts <= lastVideoDts) {
            dts = lastVideoDts + 1; // the muxer takes only rising timestamps
        }
        long pts = Math.max(dts, ts - base + tag.compositionTime());
        reserve(b.writerIndex() - from);
        segment.writeVideo(b, from, b.writerIndex(), dts, pts, tag.keyframe());
        lastVideoDts = dts;
        wrote(p.size(), true);
    }

    private void audio(MediaPacket p) throws IOException {
        ByteBuf b = p.payload();
        int ri = b.readerIndex();
        if (p.soundFormat() != MediaPacket.SOUND_AAC || b.readableBytes() < 2) {
            return;
        }
        if (b.getByte(ri + 1) == 0) {
            byte[] asc = ByteBufUtil.getBytes(b, ri + 2, b.readableBytes() - 2);
            if (!Arrays.equals(asc, audioConfig)) {
                closeSegment();
                audioConfig = asc;
            }
            return;
        }
        if (audioConfig == null || b.readableBytes() <= 2) {
            return;
        }
        long ts = p.timestamp();
        if (segment != null && !segment.hasVideo() && (ts - base >= settings.segmentMillis()
                || ts < lastAudioDts + base - BACKWARDS_MILLIS)) {
            closeSegment();
        }
        if (segment == null) {
            if (videoConfig != null) {
                return; // the file starts at the next keyframe
            }
            open(ts); // an audio-only stream
        }
        if (!segment.hasAudio() || ts < base) {
            return; // before the keyframe the file starts at
        }
        long dts = Math.max(ts - base, lastAudioDts + 1);
        reserve(b.readableBytes() - 2);
        segment.writeAudio(b, ri + 2, b.writerIndex(), dts);
        lastAudioDts = dts;
        wrote(p.size(), false);
    }

    private void open(long timestamp) throws IOException {
        reserve(0);
        Path file = newFile();
        currentFile = file;
        segment = TsSegment.create(file, new TsSegment.Streams(videoCodec, videoConfig, audioConfig));
        base = timestamp;
        lastVideoDts = -1;
        lastAudioDts = -1;
        syncedBytes = 0;
        log.info("archive {}: recording to {}", id, file);
        setState(TargetState.LIVE, null);
    }

    /**
     * {@code <id>-<UTC start time>.ts}; a second file started within the same second gets {@code _2} (which sorts
     * after the first: '_' comes after '.').
     */
    private Path newFile() {
        String stem = id + "-" + FILE_TIME.format(Instant.now());
        Path file = settings.directory().resolve(stem + ".ts");
        for (int n = 2; Files.exists(file); n++) {
            file = settings.directory().resolve(stem + "_" + n + ".ts");
        }
        return file;
    }

    /**
     * Fails the target before {@code bytes} more (and what the muxer may add) would take the disk's free space under
     * {@code minFreeBytes}. Free space is read at most every tick or megabyte; in between, what was written since
     * is subtracted from the last reading.
     */
    private void reserve(long bytes) throws IOException {
        long now = System.nanoTime();
        long written = bytesWritten;
        if (store == null || now - lastCheckNanos > TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)
                || written - writtenAtCheck > RECHECK_BYTES) {
            if (store == null) {
                store = Files.getFileStore(settings.directory());
            }
            freeAtCheck = store.getUsableSpace();
            writtenAtCheck = written;
            lastCheckNanos = now;
        }
        long free = freeAtCheck - (written - writtenAtCheck);
        if (free - bytes - WRITE_MARGIN_BYTES < settings.minFreeBytes()) {
            throw new DiskFull(free, settings);
        }
    }

    /** Free space about to fall under {@code minFreeMB}. */
    private static final class DiskFull extends IOException {
        DiskFull(long free, ArchiveSettings settings) {
            super("disk nearly full: " + megabytes(free) + " free in " + settings.directory() + ", and the archive "
                    + "leaves " + megabytes(settings.minFreeBytes()) + " (minFreeMB) free: free some space or lower "
                    + "minFreeMB, then restart the target");
        }
    }

    private void wrote(int size, boolean videoFrame) {
        bytesWritten = segmentBytesBefore + segment.bytesWritten();
        meter.record(size, videoFrame);
    }

    /** Bytes of the files closed so far; the open file's are added from its own count. */
    private long segmentBytesBefore;

    private void periodically() {
        long now = System.nanoTime();
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        if (now - lastTickNanos < tick) {
            return;
        }
        lastTickNanos = now;
        if (++ticks % (1_000 / TICK_MILLIS) == 0) {
            meter.tick();
            if (segment != null && segment.bytesWritten() > syncedBytes) {
                // Once a second on the disk itself: a machine that dies loses at most the last second.
                try {
                    segment.sync();
                    syncedBytes = segment.bytesWritten();
                } catch (IOException e) {
                    fail("cannot write " + currentFile + ": " + reason(e));
                }
            }
        }
        if (segment != null) {
            try {
                reserve(0);
            } catch (IOException e) {
                fail(reason(e));
            }
        }
    }

    private long lastTickNanos;

    private void fail(String why) {
        closeSegment();
        failed = true;
        lastError = why;
        setState(TargetState.FAILED, null);
    }

    private void closeSegment() {
        TsSegment s = segment;
        if (s == null) {
            return;
        }
        segment = null;
        try {
            s.close();
            log.info("archive {}: closed {} ({} bytes)", id, s.file(), s.bytesWritten());
        } catch (IOException e) {
            log.warn("archive {}: {} ends early: {}", id, s.file(), reason(e));
        }
        segmentBytesBefore += s.bytesWritten(); // with what closing it wrote
        bytesWritten = segmentBytesBefore;
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

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
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

    /** The file being written, or the last one. */
    Path currentFile() {
        return currentFile;
    }
}
