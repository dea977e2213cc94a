package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.media.MediaPacket;
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

import java.time.Instant;
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
    /** Frames dropped this recently keep a target {@code degraded}. */
    private static final long DROP_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** How often health is evaluated: stalls and lag are seen within a quarter second of crossing a limit. */
    private static final long TICK_MILLIS = 250;
    private static final int TICKS_PER_SECOND = (int) (1_000 / TICK_MILLIS);

    private final TargetSpec spec;
    private final RtmpUrl url;
    private final PusherSettings settings;
    private final EventLoop loop;
    private final TlsContexts tls;

    // Owned by the event loop.
    private final PacketQueue queue;
    /** Delays after network failures (short) and after the platform's refusals (long). */
    private final Backoff backoff;
    private final Backoff refusalBackoff;
    private final RateMeter meter = new RateMeter(5);
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
    private int rejections;
    private long ticks;
    private long lastDropSeen;
    /** Frames dropped while connected: what the platform should have had. Skips while not connected do not count. */
    private long connectedDrops;
    /** Where a (re)connection starts from; set before {@link #start}. */
    private GopReplay gopReplay = GopReplay.NONE;
    /**
     * The packets the last priming took from the GOP cache: the same ones may still be on their way in hand-over
     * tasks queued before it, and are skipped; the first packet not among them ends the set.
     */
    private Set<MediaPacket> primed;
    private long lastDropNanos = Long.MIN_VALUE / 2;

    // Written on the event loop, read by health snapshots from any thread.
    private volatile TargetState state = TargetState.WAITING;
    private volatile Instant since = Instant.now();
    private volatile String lastError;
    private volatile long retryAtMillis;
    private volatile long bytesSent;
    private volatile long reconnects;
    private volatile long droppedFrames;
    private volatile long queueMs;
    /** Why the platform cannot use what this target is sent (a codec it does not take), or null. */
    private volatile String codecProblem;

    public Pusher(TargetSpec spec, PusherSettings settings, EventLoop loop, TlsContexts tls) {
        this.spec = spec;
        this.url = spec.rtmpUrl();
        this.settings = settings;
        this.loop = loop;
        this.tls = tls;
        this.queue = new PacketQueue(settings.maxQueueMillis(), settings.maxQueueBytes());
        this.backoff = settings.newBackoff();
        this.refusalBackoff = settings.newRefusalBackoff();
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
                setState(TargetState.WAITING, null);
            } else {
                setState(TargetState.DISABLED, null);
            }
        });
    }

    @Override
    public void onPacket(MediaPacket packet) {
        if (loop.inEventLoop()) {
            accept(packet);
            return;
        }
        packet.retain();
        loop.execute(() -> {
            try {
                accept(packet);
            } finally {
                packet.release();
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
            if (enabled && state != TargetState.FAILED) {
                setState(TargetState.WAITING, null);
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
                    && current.progress.lagMillis(queue.isEmpty()) > settings.maxQueueMillis()) {
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
        } else if (enabled && current == null && retry == null && state != TargetState.FAILED
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
        setState(TargetState.CONNECTING, null);
        conn.open(url, spec, settings, tls, loop, CONNECT_TIMEOUT_MILLIS);
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
        lastError = null;
        // From now on the platform only sends acknowledgements (and the odd ping): read them once per tick, when
        // the loop is awake anyway, rather than be woken for each (several a second per target).
        conn.channel.config().setAutoRead(false);
        setState(TargetState.LIVE, null);
        queue.startFromLatestKeyframe();
        // Frames skipped while not connected are no drops: the platform was not there to miss them.
        lastDropSeen = queue.droppedFrames();
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
        while ((everything || conn.channel.isWritable()) && (p = queue.poll()) != null) {
            lastTimestamp = p.timestamp();
            conn.progress.arrived(lastTimestamp);
            lastWrite = conn.session.send(p); // encoded at once: wireBytes now counts it
            count++;
            conn.progress.handedOver(lastTimestamp, conn.wireBytes);
            meter.record(p.size(), p.isVideo() && !p.isSequenceHeader());
            bytesSent += p.size();
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
        backoff.connectionEnded(liveMillis);
        meter.reset();
        if (!enabled) {
            return;
        }
        CloseOutcome outcome = CloseOutcome.classify(new CloseOutcome.Facts(conn.rejection, conn.problem,
                conn.stalled, conn.unpublishing, conn.protocol != null && conn.protocol.isPublishRequested(),
                liveMillis, url.address()));
        if (outcome instanceof CloseOutcome.OurClose) {
            return;
        }
        if (outcome instanceof CloseOutcome.Refusal refusal) {
            rejections++;
            lastError = refusal.describe();
            if (rejections >= settings.maxRejections()) {
                setState(TargetState.FAILED, "gave up after " + rejections + " refusals in a row");
                return;
            }
            scheduleRetry(refusalBackoff);
        } else {
            // NetworkFailure or Stall: the network's fault, retried quickly.
            retryAfterNetwork(outcome.describe());
        }
    }

    /** The network's fault, not the platform's word: quick retries, forever, and the refusal count starts over. */
    private void retryAfterNetwork(String problem) {
        rejections = 0;
        refusalBackoff.reset();
        lastError = problem;
        scheduleRetry(backoff);
    }

    private void scheduleRetry(Backoff delays) {
        long delay = delays.nextDelayMillis();
        retryAtMillis = System.currentTimeMillis() + delay;
        setState(TargetState.RECONNECTING, "retry in " + delay + " ms");
        retry = loop.schedule(() -> {
            retry = null;
            if (enabled && current == null && streamActive && queue.hasHeaders()) {
                reconnects++;
                connect();
            } else if (enabled && current == null) {
                setState(TargetState.WAITING, null);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (++ticks % TICKS_PER_SECOND == 0) {
            meter.tick();
        }
        long drops = queue.droppedFrames();
        long now = System.nanoTime();
        if (drops != lastDropSeen) {
            if (isLive(current)) {
                connectedDrops += drops - lastDropSeen;
                lastDropNanos = now;
            }
            lastDropSeen = drops;
        }
        droppedFrames = connectedDrops;
        PusherConnection conn = current;
        if (!isLive(conn) || (state != TargetState.LIVE && state != TargetState.DEGRADED)) {
            queueMs = queue.durationMillis();
            return;
        }
        conn.channel.read(); // what the platform sent since the last tick (acks), handled in the loop's next turn
        queueMs = conn.progress.lagMillis(queue.isEmpty());
        if (queueMs > settings.maxQueueMillis()) {
            boundLag(conn);
        }
        long stuckNanos = conn.progress.nanosWithoutProgress(queue.isEmpty(), now);
        if (stuckNanos > TimeUnit.MILLISECONDS.toNanos(settings.stallMillis())) {
            conn.problem("stalled: " + url.address() + " accepted nothing for "
                    + TimeUnit.NANOSECONDS.toSeconds(stuckNanos) + " s");
            conn.stalled = true;
            conn.channel.close();
            return;
        }
        // Lag only shows once the kernel's buffer is full, so a quarter of the queue is already a real backlog; until
        // the platform has had what was queued at the join, the lag is that catch-up, not a slow platform.
        boolean joined = conn.progress.reachedTimestamp() >= conn.joinTimestamp;
        boolean behind = joined && queueMs > settings.maxQueueMillis() / 4 || now - lastDropNanos < DROP_MEMORY_NANOS;
        if (behind && state == TargetState.LIVE) {
            setState(TargetState.DEGRADED, "queue " + queueMs + " ms, " + drops + " frames dropped");
        } else if (!behind && state == TargetState.DEGRADED) {
            setState(TargetState.LIVE, "caught up");
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
        long target = settings.maxQueueMillis() / 2;
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
        if (problem != null && !problem.equals(codecProblem)) {
            log.warn("target {}: {}", spec.id(), problem);
        }
        codecProblem = problem;
    }

    /** Stops sending and keeps the target; persisted by the caller. */
    @Override
    public void disable() {
        loop.execute(() -> {
            enabled = false;
            cancelRetry();
            hangUp();
            setState(TargetState.DISABLED, null);
        });
    }

    @Override
    public void enable() {
        loop.execute(() -> {
            if (enabled) {
                return;
            }
            enabled = true;
            rejections = 0;
            backoff.reset();
            refusalBackoff.reset();
            setState(TargetState.WAITING, null);
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
            rejections = 0;
            backoff.reset();
            refusalBackoff.reset();
            setState(TargetState.WAITING, "restart requested");
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
            loop.schedule(() -> conn.channel.close(), 2, TimeUnit.SECONDS);
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
        retryAtMillis = 0;
    }

    private void setState(TargetState next, String why) {
        TargetState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        if (!(isSending(previous) && isSending(next))) {
            since = Instant.now(); // a live period's uptime runs through degraded and back
        }
        if (next != TargetState.RECONNECTING) {
            retryAtMillis = 0;
        }
        String detail = why != null ? why : next == TargetState.RECONNECTING || next == TargetState.FAILED
                ? lastError : null;
        if (next == TargetState.FAILED || next == TargetState.RECONNECTING || next == TargetState.DEGRADED) {
            log.warn("target {}: {} -> {}{}", spec.id(), previous.id(), next.id(),
                    detail == null ? "" : " (" + detail + (lastError != null && !detail.equals(lastError)
                            ? "; last error: " + lastError : "") + ")");
        } else {
            log.info("target {}: {} -> {}{}", spec.id(), previous.id(), next.id(),
                    detail == null ? "" : " (" + detail + ")");
        }
    }

    private static boolean isSending(TargetState s) {
        return s == TargetState.LIVE || s == TargetState.DEGRADED;
    }

    /** A consistent-enough snapshot for health reports; safe from any thread. */
    @Override
    public TargetHealth health() {
        TargetState s = state;
        Long nextRetry = s == TargetState.RECONNECTING && retryAtMillis > 0
                ? Math.max(0, retryAtMillis - System.currentTimeMillis()) : null;
        boolean sending = s == TargetState.LIVE || s == TargetState.DEGRADED;
        return new TargetHealth(spec.id(), spec.platform(), spec.rendition(), spec.maskedUrl(), s, since,
                sending ? meter.bitrateKbps() : 0, sending ? meter.fps() : 0, queueMs, droppedFrames, reconnects,
                bytesSent, lastError != null ? lastError : codecProblem, nextRetry);
    }
}
