package dev.castrelay.ingest;

import dev.castrelay.config.FailoverConfig;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Chooses which input is the program (PRODUCT.md, "Backup ingest"). Both inputs are received, watched and
 * GOP-cached all the time; only the active one reaches the {@link ProgramSink}. When the active input has sent no
 * video for {@code failover.lossMillis} (closed, frozen, audio only) and the other is healthy, the program switches
 * to the other from its cached keyframe, with its sequence headers, its timestamps moved to continue the
 * program's: the renditions and the platforms see one continuous stream, no new publish. Once the primary has been
 * healthy for {@code returnAfterSeconds}, it takes the program back at its next keyframe. An operator may pin
 * either input ({@link #use}). With no input left, the program ends (the renditions show the slate).
 *
 * <p>Packets come from the inputs' event loops and the checks from a timer: every method is synchronized, and the
 * program sink is called under the lock, so the program's packets keep their order.
 */
public final class InputSelector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InputSelector.class);
    /** How often the inputs' health is judged: a switch comes within this of the loss bound. */
    private static final long CHECK_MILLIS = 100;
    /** The gap put between the last program frame and the first of the other input: one frame at 30 fps. */
    private static final long SWITCH_GAP_MILLIS = 33;
    /** Enough for a 10 s GOP at 20 Mb/s, per input. */
    private static final long CACHE_BYTES = 32L << 20;

    /** Automatic failover, or the program pinned to one input by an operator. */
    public enum Mode {
        AUTO, PINNED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One switch of the program between the inputs, as told to the {@link #onSwitch} listener.
     *
     * @param from the input that was the program, or null
     * @param to   the input that is now the program
     * @param why  what made it switch, for people: {@code no video from the primary input for 1040 ms}
     */
    public record Switch(InputRole from, InputRole to, String why) {
    }

    /** What the selector knows of one input. */
    private static final class Input {
        final InputRole role;
        final IngestMonitor monitor = new IngestMonitor();
        final GopCache cache = new GopCache(CACHE_BYTES);
        /** How its current (or last) publisher came. */
        IngestProtocol protocol = IngestProtocol.RTMP;
        boolean live;
        long lastVideoNanos;
        /** Since when video has come without a gap longer than the loss bound (0: not healthy). */
        long healthySinceNanos;

        Input(InputRole role) {
            this.role = role;
        }
    }

    private final ProgramSink program;
    private final IngestMonitor programMonitor;
    private final long lossNanos;
    private final long returnAfterNanos;
    private final boolean hasBackup;
    private final Map<InputRole, Input> inputs = new EnumMap<>(InputRole.class);
    private final AtomicLong failovers = new AtomicLong();
    private final ScheduledFuture<?> checks;
    /** Told of every switch, under the lock: it must only hand the news over to its own thread. */
    private volatile Consumer<Switch> switchListener = s -> { };

    private InputRole active;
    private InputRole pinned;
    /** A switch to this input waits for its next keyframe (the return to the primary, a pin to a live input). */
    private InputRole switchAtKeyframe;
    /** Added to the active input's timestamps so the program's continue across switches. */
    private long offset;
    private long lastProgramTimestamp = Long.MIN_VALUE;
    private long lastVideoTimestamp = Long.MIN_VALUE;
    private long lastAudioTimestamp = Long.MIN_VALUE;
    private boolean programLive;

    /**
     * @param program        where the active input's stream goes (the hub)
     * @param programMonitor watches the program for the health document's top-level ingest fields
     * @param hasBackup      whether a backup input is configured; without one, nothing ever switches
     * @param timer          runs the health checks
     */
    public InputSelector(ProgramSink program, IngestMonitor programMonitor, FailoverConfig failover,
                         boolean hasBackup, EventExecutor timer) {
        this.program = program;
        this.programMonitor = programMonitor;
        this.lossNanos = TimeUnit.MILLISECONDS.toNanos(failover.lossMillis());
        this.returnAfterNanos = TimeUnit.SECONDS.toNanos(failover.returnAfterSeconds());
        this.hasBackup = hasBackup;
        inputs.put(InputRole.PRIMARY, new Input(InputRole.PRIMARY));
        if (hasBackup) {
            inputs.put(InputRole.BACKUP, new Input(InputRole.BACKUP));
        }
        this.checks = hasBackup ? timer.scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS,
                TimeUnit.MILLISECONDS) : null;
    }

    /** An input started publishing over RTMP. */
    public void started(InputRole role) {
        started(role, IngestProtocol.RTMP);
    }

    /** An input started publishing over {@code protocol}. */
    public synchronized void started(InputRole role, IngestProtocol protocol) {
        Input in = inputs.get(role);
        in.protocol = protocol;
        in.live = true;
        in.monitor.started();
        in.cache.clear();
        in.healthySinceNanos = 0;
        in.lastVideoNanos = 0;
        if (!programLive || active == role) {
            // A first input, or a new publisher taking over the active input's key (its encoder restarted, or
            // left a half-open connection): a new stream, on its own clock, as a single input always had.
            startProgram(role);
        } else if (pinned == role && active != role) {
            switchAtKeyframe = role;
        }
    }

    /** The next packet of an input; the caller keeps its reference. */
    public synchronized void packet(InputRole role, MediaPacket p) {
        Input in = inputs.get(role);
        if (!in.live) {
            return;
        }
        long now = System.nanoTime();
        in.monitor.record(p);
        in.cache.add(p);
        boolean picture = p.isVideo() && !p.isSequenceHeader();
        if (picture) {
            if (in.healthySinceNanos == 0 || now - in.lastVideoNanos > lossNanos) {
                in.healthySinceNanos = now;
            }
            in.lastVideoNanos = now;
        }
        if (switchAtKeyframe == role && picture && p.isKeyframe()) {
            switchTo(role, "at its keyframe");
            return; // the switch sent the headers and this keyframe
        }
        if (role == active) {
            forward(p);
        }
    }

    /** An input stopped publishing (its encoder left, or its connection died). */
    public synchronized void ended(InputRole role) {
        Input in = inputs.get(role);
        if (!in.live) {
            return;
        }
        in.live = false;
        in.healthySinceNanos = 0;
        in.monitor.ended();
        in.cache.clear();
        if (switchAtKeyframe == role) {
            switchAtKeyframe = null;
        }
        if (role != active) {
            return;
        }
        Input other = otherOf(role);
        if (other != null && healthy(other, System.nanoTime()) && (pinned == null || pinned == other.role)) {
            failover(other.role, role.id() + " input left");
        } else {
            endProgram();
        }
    }

    /**
     * Pins the program to {@code role}, or (null) returns to automatic failover. A pinned input that is live takes
     * the program at once, from its cached keyframe.
     */
    public synchronized void use(InputRole role) {
        if (role == InputRole.BACKUP && !hasBackup) {
            throw new IllegalArgumentException("no backup input is configured (ingest.backup.streamKey)");
        }
        pinned = role;
        log.info("ingest input: {}", role == null ? "automatic failover" : "pinned to " + role.id());
        if (role != null && role != active && inputs.get(role).live) {
            if (inputs.get(role).cache.hasKeyframe()) {
                switchTo(role, "pinned by an operator");
            } else {
                switchAtKeyframe = role;
            }
        }
    }

    public synchronized Mode mode() {
        return pinned == null ? Mode.AUTO : Mode.PINNED;
    }

    /**
     * The video sequence header and latest keyframe of {@code role}'s input, retained (the caller releases them),
     * for a still picture of it; empty when that input has none cached.
     */
    public synchronized List<MediaPacket> keyframeOf(InputRole role) {
        Input in = inputs.get(role);
        return in == null || !in.live ? List.of() : in.cache.keyframe();
    }

    /** The input that is the program, or null. */
    public synchronized InputRole active() {
        return active;
    }

    /**
     * Tells {@code listener} of every switch from now on (alerts). It runs on the thread that switched, with the
     * selector locked and media waiting: it must hand the news to its own thread and return.
     */
    public void onSwitch(Consumer<Switch> listener) {
        this.switchListener = listener;
    }

    /** Switches made so far. */
    public long failovers() {
        return failovers.get();
    }

    /** The ingest part of the health document: the program, and each input. */
    public synchronized IngestHealth health() {
        IngestHealth p = programMonitor.health();
        List<IngestHealth.Input> list = new ArrayList<>();
        for (Input in : inputs.values()) {
            IngestHealth h = in.monitor.health();
            list.add(new IngestHealth.Input(in.role.id(), h.state(), in.protocol.id(), h.video(), h.bitrateKbps(),
                    h.since()));
        }
        return new IngestHealth(p.state(), p.since(), p.video(), p.audio(), p.bitrateKbps(),
                active == null ? null : active.id(), mode().id(), list);
    }

    /** The timer's check: fail over from a silent input, and give the program back to a primary that has healed. */
    synchronized void check() {
        long now = System.nanoTime();
        if (active == null) {
            return;
        }
        Input current = inputs.get(active);
        Input other = otherOf(active);
        if (!healthy(current, now) && current.lastVideoNanos != 0 && other != null && healthy(other, now)
                && (pinned == null || pinned == other.role)) {
            failover(other.role, "no video from the " + active.id() + " input for "
                    + TimeUnit.NANOSECONDS.toMillis(now - current.lastVideoNanos) + " ms");
            return;
        }
        Input primary = inputs.get(InputRole.PRIMARY);
        if (pinned == null && active == InputRole.BACKUP && switchAtKeyframe == null && healthy(primary, now)
                && now - primary.healthySinceNanos >= returnAfterNanos) {
            log.info("ingest input: the primary has been healthy for {} s; it takes the program back at its next "
                    + "keyframe", TimeUnit.NANOSECONDS.toSeconds(returnAfterNanos));
            switchAtKeyframe = InputRole.PRIMARY;
        }
    }

    private boolean healthy(Input in, long now) {
        return in.live && in.healthySinceNanos != 0 && now - in.lastVideoNanos < lossNanos;
    }

    private Input otherOf(InputRole role) {
        return inputs.get(role.other());
    }

    private void failover(InputRole to, String why) {
        if (inputs.get(to).cache.hasKeyframe()) {
            switchTo(to, why);
        } else {
            switchAtKeyframe = to;
        }
    }

    private void startProgram(InputRole role) {
        active = role;
        offset = 0; // a new program keeps the encoder's clock, as a single input always did
        lastProgramTimestamp = Long.MIN_VALUE;
        lastVideoTimestamp = Long.MIN_VALUE;
        lastAudioTimestamp = Long.MIN_VALUE;
        programLive = true;
        programMonitor.started();
        program.onIngestStart();
        log.info("ingest input: the program comes from the {} input", role.id());
    }

    private void endProgram() {
        log.info("ingest lost: no input left");
        active = null;
        switchAtKeyframe = null;
        programLive = false;
        programMonitor.ended();
        program.onIngestEnd();
    }

    /**
     * Makes {@code to} the program: its headers, then its GOP since the latest keyframe (for a switch at a live
     * keyframe, that keyframe alone), on a clock that continues the program's.
     */
    private void switchTo(InputRole to, String why) {
        Input in = inputs.get(to);
        InputRole from = active;
        // A live keyframe was just cached as the start of the GOP: both kinds of switch start from the cache.
        List<MediaPacket> start = in.cache.startingPoint();
        long keyTimestamp = in.cache.keyframeTimestamp();
        long resume = lastProgramTimestamp == Long.MIN_VALUE ? keyTimestamp : lastProgramTimestamp + SWITCH_GAP_MILLIS;
        active = to;
        switchAtKeyframe = null;
        offset = resume - keyTimestamp;
        for (MediaPacket p : start) {
            if (!p.isData() && !p.isSequenceHeader()) {
                forward(p);
            } else {
                forwardAt(p, resume); // headers of the new input, before its first frame
            }
        }
        failovers.incrementAndGet();
        try {
            switchListener.accept(new Switch(from, to, why));
        } catch (RuntimeException e) {
            log.warn("ingest failover listener failed: {}", e.toString());
        }
        log.warn("ingest failover: the program switched from the {} input to the {} input ({}), at {} ms",
                from == null ? "(none)" : from.id(), to.id(), why, resume);
    }

    private void forward(MediaPacket p) {
        long ts = Math.max(0, p.timestamp() + offset);
        if (!p.isData() && !p.isSequenceHeader()) {
            // Each track's timestamps only go forward, across a switch too: the other input's audio interleaved
            // just after its keyframe may be older than the program's last audio (muxers and players refuse that).
            long last = p.isVideo() ? lastVideoTimestamp : lastAudioTimestamp;
            if (ts < last) {
                return;
            }
            if (p.isVideo()) {
                lastVideoTimestamp = ts;
            } else {
                lastAudioTimestamp = ts;
            }
            lastProgramTimestamp = Math.max(lastProgramTimestamp, ts);
        }
        forwardAt(p, ts);
    }

    private void forwardAt(MediaPacket p, long timestamp) {
        if (offset == 0 && timestamp == p.timestamp()) {
            programMonitor.record(p);
            program.onIngestPacket(p);
            return;
        }
        MediaPacket moved = p.retainedWithTimestamp(timestamp);
        try {
            programMonitor.record(moved);
            program.onIngestPacket(moved);
        } finally {
            moved.release();
        }
    }

    @Override
    public synchronized void close() {
        if (checks != null) {
            checks.cancel(false);
        }
        inputs.values().forEach(in -> in.cache.clear());
    }

    @Override
    public synchronized String toString() {
        return "InputSelector[active=" + active + ", mode=" + mode() + ", pinned=" + pinned + "]";
    }
}
