package dev.castrelay.targets;

import dev.castrelay.config.Defaults;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.RateMeter;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;
import dev.castrelay.rtmp.session.ClientSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one target: its own bounded {@link PacketQueue}, its own RTMP/RTMPS connection, its own reconnect
 * policy. {@link #onPacket} never blocks: packets hop onto this pusher's event loop, where all of its state lives,
 * so a slow or dead platform costs the hub and the other targets nothing.
 */
public final class Pusher implements Target {

    private static final Logger log = LoggerFactory.getLogger(Pusher.class);
    /** How often health is evaluated: stalls and lag are seen within a quarter second of crossing a limit. */
    private static final long TICK_MILLIS = 250;

    private final TargetSpec spec;
    private final RtmpUrl url;
    private final PusherSettings settings;
    private final EventLoop loop;
    private final TlsContexts tls;

    // Owned by the event loop.
    private final PacketQueue queue;
    private final ReconnectPolicy reconnect;
    private final LagMonitor lag;
    private final RateMeter meter = new RateMeter(Duration.ofSeconds(5));
    private PusherConnection current;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> ticker;
    private boolean enabled;
    private boolean stopped;
    private boolean streamActive;
    private boolean drainScheduled;
    private final Runnable scheduledDrain = () -> {
        drainScheduled = false;
        drain(false);
    };
    /** Where a (re)connection starts from; set before {@link #start}. */
    private GopReplay gopReplay = GopReplay.NONE;
    /**
     * The packets the last priming took from the GOP cache: the same ones may still be on their way in hand-over
     * tasks queued before it, and are skipped; the first packet not among them ends the set.
     */
    private Set<MediaPacket> primed;

    /** Written on the event loop, read by health snapshots from any thread. */
    private final TargetStatus status;

    public Pusher(TargetSpec spec, PusherSettings settings, EventLoop loop, TlsContexts tls) {
        this.spec = spec;
        this.url = spec.rtmpUrl();
        this.settings = settings;
        this.loop = loop;
        this.tls = tls;
        this.queue = new PacketQueue(settings.maxQueueMillis(), settings.maxQueueBytes());
        this.reconnect = new ReconnectPolicy(settings);
        this.lag = new LagMonitor(settings.maxQueueMillis(), settings.stallMillis());
        this.status = new TargetStatus(spec.id());
    }

    @Override
    public String id() {
        return spec.id();
    }

    /** The GOP cache a (re)connection starts from; call before {@link #start}. */
    @Override
    public void replayFrom(GopReplay replay) {
        this.gopReplay = replay;
    }

    @Override
    public TargetSpec spec() {
        return spec;
    }

    /** Starts enabled (waiting for media) or disabled. */
    @Override
    public void start(boolean enable) {
        loop.execute(() -> {
            // Every pusher ticks on the same quarter-second boundaries: a loop carrying many targets wakes once
            // per tick for all of them, not once for each.
            long period = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            long firstIn = period - Math.floorMod(System.nanoTime(), period);
            ticker = loop.scheduleAtFixedRate(this::tick, firstIn, period, TimeUnit.NANOSECONDS);
            if (enable) {
                enabled = true;
                status.set(TargetState.WAITING, null);
            } else {
                status.set(TargetState.DISABLED, null);
            }
        });
    }

    @Override
    public void onStreamEnd() {
        loop.execute(() -> {
            streamActive = false;
            // What is queued is the end of the broadcast: hand it over before the polite goodbye. The queue is
            // bounded, and a platform that never reads is cut off by hangUp's timer.
            drain(true);
            queue.clear();
            cancelRetry();
            hangUp();
            if (enabled && !status.is(TargetState.FAILED)) {
                status.set(TargetState.WAITING, null);
            }
        });
    }

    @Override
    public EventLoop executor() {
        return loop;
    }

    @Override
    public void onPacketOnLoop(MediaPacket packet) {
        accept(packet);
    }

    private void accept(MediaPacket p) {
        if (stopped) {
            return; // removed: a packet already on its way must not sit in the queue for ever
        }
        if (primed != null) {
            if (primed.contains(p)) {
                return; // already queued from the GOP cache
            }
            primed = null;
        }
        if (spec.h264Only() && p.isVideo() && p.isSequenceHeader()) {
            checkCodec(p);
        }
        queue.offer(p);
        streamActive = true;
        boolean live = isLive(current);
        if (live && !p.isData()) {
            current.progress.arrived(p.timestamp());
            // A new GOP is when the lag can be cut (whole GOPs only): judged as it arrives, not a tick later, so
            // the lag never passes the bound by more than the GOP in hand.
            if (p.isVideo() && p.isKeyframe() && !p.isSequenceHeader()
                    && lag.overBound(current.progress.lagMillis(queue.isEmpty())
                            + current.progress.inFlightMillis(queue.isEmpty()))) {
                boundLag(current);
            }
        }
        if (!live && p.isVideo() && p.isKeyframe()) {
            // Not sending: hold only the newest GOP, so a (re)connection starts at once and fresh.
            queue.startFromLatestKeyframe();
        }
        if (live) {
            // After every packet the loop has in hand (a whole ingest read, a whole hand-over): one write and one
            // flush per batch, not per packet, and every target's write in the same turn of the loop.
            if (!drainScheduled) {
                drainScheduled = true;
                loop.execute(scheduledDrain);
            }
        } else if (enabled && current == null && retry == null && !status.is(TargetState.FAILED)
                && queue.hasHeaders() && !queue.isEmpty()) {
            connect();
        }
    }

    /**
     * Fills the queue from the GOP cache: headers, then everything since the latest keyframe, so this connection
     * starts at once from a keyframe the platforms before it already had, not a GOP later.
     */
    private void primeFromCache() {
        List<MediaPacket> cached = new ArrayList<>();
        gopReplay.replayTo(p -> cached.add(p.retain()));
        boolean hasKeyframe = cached.stream().anyMatch(p -> p.isVideo() && p.isKeyframe() && !p.isSequenceHeader());
        if (hasKeyframe) {
            queue.clear();
            primed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (MediaPacket p : cached) {
                queue.offer(p);
                primed.add(p);
            }
        }
        cached.forEach(MediaPacket::release);
    }

    private void connect() {
        primeFromCache();
        PusherConnection conn = new PusherConnection(events);
        current = conn;
        status.set(TargetState.CONNECTING, null);
        conn.open(url, spec, settings, tls, loop, Defaults.TARGET_CONNECT_TIMEOUT_MILLIS);
    }

    /** What this pusher's connections tell it, on its loop. */
    private final PusherConnection.Events events = new PusherConnection.Events() {
        @Override
        public void published(PusherConnection conn, ClientSession session) {
            Pusher.this.published(conn, session);
        }

        @Override
        public void writable(PusherConnection conn) {
            if (conn == current) {
                drain(false);
            }
        }

        @Override
        public void closed(PusherConnection conn) {
            Pusher.this.closed(conn);
        }

        @Override
        public boolean isCurrent(PusherConnection conn) {
            return conn == current;
        }
    };

    private static boolean isLive(PusherConnection conn) {
        return conn != null && conn.isLive();
    }

    private void published(PusherConnection conn, ClientSession session) {
        conn.session = session;
        conn.liveSinceNanos = System.nanoTime();
        conn.progress = new SendProgress(ClientSession.ACK_WINDOW, conn.liveSinceNanos);
        status.lastError(null);
        // From now on the platform only sends acknowledgements (and the odd ping): read them once per tick, when
        // the loop is awake anyway, rather than be woken for each (several a second per target).
        conn.channel.config().setAutoRead(false);
        status.set(TargetState.LIVE, null);
        queue.startFromLatestKeyframe();
        // Frames skipped while not connected are no drops: the platform was not there to miss them.
        lag.joined(queue.droppedFrames());
        // What was queued at the join (the cached GOP) is sent at full speed: catching up is no falling behind.
        conn.joinTimestamp = queue.newestTimestamp();
        for (MediaPacket h : queue.headers()) {
            session.send(h);
            h.release();
        }
        drain(false);
    }

    /** Sends what the channel takes; {@code everything} ignores writability (the queue is bounded anyway). */
    private void drain(boolean everything) {
        PusherConnection conn = current;
        if (!isLive(conn)) {
            return;
        }
        ChannelFuture lastWrite = null;
        long lastTimestamp = 0;
        int count = 0;
        MediaPacket p;
        while ((everything || conn.channel.isWritable() && !lag.holdBack(conn.progress, conn.wireBytes))
                && (p = queue.poll()) != null) {
            lastTimestamp = p.timestamp();
            conn.progress.arrived(lastTimestamp);
            lastWrite = conn.session.send(p); // encoded at once: wireBytes now counts it
            count++;
            conn.progress.handedOver(lastTimestamp, conn.wireBytes);
            meter.record(p.size(), p.isVideo() && !p.isSequenceHeader());
            status.bytesSent += p.size();
            p.release();
        }
        if (lastWrite != null) {
            // Writes complete in order: one listener on the batch's last write says the whole batch left.
            long written = lastTimestamp;
            int batch = count;
            lastWrite.addListener(done -> {
                if (done.isSuccess() && conn == current) {
                    conn.progress.written(written, batch, System.nanoTime());
                }
            });
            conn.session.flush();
        }
    }

    private void closed(PusherConnection conn) {
        if (conn != current) {
            return;
        }
        current = null;
        long liveMillis = conn.liveSinceNanos == 0 ? 0
                : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - conn.liveSinceNanos);
        meter.reset();
        if (!enabled) {
            return;
        }
        CloseOutcome outcome = CloseOutcome.classify(new CloseOutcome.Facts(conn.rejection, conn.problem,
                conn.stalled, conn.unpublishing, conn.protocol != null && conn.protocol.isPublishRequested(),
                liveMillis, url.address()));
        ReconnectPolicy.Decision next = reconnect.afterClose(outcome, liveMillis);
        if (next instanceof ReconnectPolicy.Nothing) {
            return;
        }
        status.lastError(next.lastError());
        if (next instanceof ReconnectPolicy.GiveUp giveUp) {
            status.set(TargetState.FAILED, giveUp.reason());
        } else if (next instanceof ReconnectPolicy.Retry r) {
            scheduleRetry(r.delayMillis());
        }
    }

    private void scheduleRetry(long delay) {
        status.retryIn(delay);
        retry = loop.schedule(() -> {
            retry = null;
            if (enabled && current == null && streamActive && queue.hasHeaders()) {
                status.reconnects++;
                connect();
            } else if (enabled && current == null) {
                status.set(TargetState.WAITING, null);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        PusherConnection conn = current;
        lag.countDrops(queue.droppedFrames(), isLive(conn), now);
        status.droppedFrames = lag.connectedDrops();
        if (!isLive(conn) || !TargetStatus.isSending(status.state())) {
            status.queueMs = queue.durationMillis();
            return;
        }
        conn.channel.read(); // what the platform sent since the last tick (acks), handled in the loop's next turn
        LagMonitor.Verdict verdict = lag.judge(conn.progress, queue.isEmpty(), conn.joinTimestamp, now);
        status.queueMs = verdict.lagMillis();
        if (verdict.overBound()) {
            boundLag(conn);
        }
        if (verdict.stalledNanos() > 0) {
            conn.problem("stalled: " + url.address() + " accepted nothing for "
                    + TimeUnit.NANOSECONDS.toSeconds(verdict.stalledNanos()) + " s");
            conn.stalled = true;
            conn.channel.close();
            return;
        }
        if (verdict.behind() && status.is(TargetState.LIVE)) {
            status.set(TargetState.DEGRADED, "queue " + verdict.lagMillis() + " ms, " + lag.connectedDrops()
                    + " frames dropped");
        } else if (!verdict.behind() && status.is(TargetState.DEGRADED)) {
            status.set(TargetState.LIVE, "caught up");
        }
        drain(false);
    }

    /**
     * The viewer's lag (what the platform has, against what arrived) passed {@code queue.maxMillis}: drop whole GOPs
     * from the oldest end until what is in flight and what is queued come under half the bound, keeping the newest
     * GOP. What is in flight cannot be taken back, so the measured lag falls once the platform reads past the gap.
     */
    private void boundLag(PusherConnection conn) {
        long inFlight = conn.progress.inFlightMillis(queue.isEmpty());
        long target = lag.targetAfterDrops();
        while (inFlight + queue.durationMillis() > target && queue.dropOldestGopBeforeNewest()) {
            // one GOP at a time, oldest first
        }
    }

    /**
     * A platform that takes only H.264, sent another codec through a passthrough rendition (an encoder set to HEVC
     * or AV1): the platform will refuse or show nothing, and the operator must hear why. Sent anyway: the
     * platform has the last word.
     */
    private void checkCodec(MediaPacket header) {
        VideoTag tag = VideoTag.parse(header.payload());
        VideoCodec codec = tag == null ? null : tag.codec();
        String problem = codec == null || codec == VideoCodec.H264 ? null
                : spec.platform() + " takes only H.264, and rendition '" + spec.rendition() + "' passes the encoder's "
                + codec.displayName() + " through: give this target a transcoded rendition, or set the encoder to "
                + "H.264";
        if (problem != null && !problem.equals(status.codecProblem())) {
            log.warn("target {}: {}", spec.id(), problem);
        }
        status.codecProblem(problem);
    }

    /** Stops sending and keeps the target; persisted by the caller. */
    @Override
    public void disable() {
        loop.execute(() -> {
            enabled = false;
            cancelRetry();
            hangUp();
            status.set(TargetState.DISABLED, null);
        });
    }

    @Override
    public void enable() {
        loop.execute(() -> {
            if (enabled) {
                return;
            }
            enabled = true;
            reconnect.reset();
            status.set(TargetState.WAITING, null);
            connectIfReady();
        });
    }

    /** Reconnects now and resets the backoff (and a {@code failed} state). */
    @Override
    public void restart() {
        loop.execute(() -> {
            if (!enabled) {
                return;
            }
            cancelRetry();
            hangUp();
            reconnect.reset();
            status.set(TargetState.WAITING, "restart requested");
            connectIfReady();
        });
    }

    private void connectIfReady() {
        if (current == null && streamActive && queue.hasHeaders() && !queue.isEmpty()) {
            connect();
        }
    }

    /** Unpublishes (FCUnpublish, deleteStream) and closes; the future completes when the socket is closed. */
    @Override
    public Future<Void> stop() {
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            stopped = true;
            enabled = false;
            cancelRetry();
            if (ticker != null) {
                ticker.cancel(false);
            }
            Channel ch = hangUp();
            queue.clear();
            if (ch == null) {
                done.setSuccess(null);
            } else {
                ch.closeFuture().addListener(f -> done.setSuccess(null));
            }
        });
        return done;
    }

    /** Ends the current connection politely; returns its channel, or null. */
    private Channel hangUp() {
        PusherConnection conn = current;
        current = null;
        if (conn == null) {
            return null;
        }
        conn.unpublishing = true;
        if (conn.session != null && conn.channel.isActive()) {
            conn.session.unpublish();
            // A platform that never answers must not hold us up.
            loop.schedule(() -> conn.channel.close(), Defaults.TARGET_UNPUBLISH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            conn.channel.close();
        }
        return conn.channel;
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        status.retryCancelled();
    }

    /** A consistent-enough snapshot for health reports; safe from any thread. */
    @Override
    public TargetHealth health() {
        return status.snapshot(spec, meter);
    }
}
