package dev.castrelay.targets;

import dev.castrelay.config.Defaults;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.RateMeter;
import dev.castrelay.rtmp.session.ClientSession;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
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
    private final SendPath sendPath;
    private final GopPriming priming;
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
        this.sendPath = new SendPath(queue, lag, meter, status);
        this.priming = new GopPriming(queue::startOver, true);
    }

    @Override
    public String id() {
        return spec.id();
    }

    /** The GOP cache a (re)connection starts from; call before {@link #start}. */
    @Override
    public void replayFrom(GopReplay replay) {
        priming.replayFrom(replay);
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
        if (priming.alreadyPrimed(p)) {
            return;
        }
        if (spec.h264Only() && p.isVideo() && p.isSequenceHeader()) {
            checkCodec(p);
        }
        queue.offer(p);
        streamActive = true;
        boolean live = isLive(current);
        if (live && !p.isData()) {
            sendPath.arrived(current, p);
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

    private void connect() {
        priming.prime();
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
        sendPath.start(conn);
    }

    /** Sends what the channel takes; {@code everything} ignores writability (the queue is bounded anyway). */
    private void drain(boolean everything) {
        PusherConnection conn = current;
        if (isLive(conn)) {
            sendPath.drain(conn, everything);
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
            sendPath.boundLag(conn);
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

    /** A codec the platform does not take is sent anyway (the platform has the last word), but said once. */
    private void checkCodec(MediaPacket header) {
        String problem = spec.codecProblem(header);
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
