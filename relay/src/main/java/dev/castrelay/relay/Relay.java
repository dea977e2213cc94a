package dev.castrelay.relay;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.transcoder.StillPicture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import dev.castrelay.config.ListenAddress;
import dev.castrelay.config.Platform;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.RtmpLimitsConfig;
import dev.castrelay.config.SrtConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.relay.alerts.AlertSettings;
import dev.castrelay.relay.alerts.Alerts;
import dev.castrelay.relay.hub.MediaHub;
import dev.castrelay.relay.hub.RenditionFeed;
import dev.castrelay.ingest.IngestMonitor;
import dev.castrelay.ingest.IngestPolicy;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.ingest.IngestServer;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.ingest.srt.SrtIngestServer;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.chunk.ChunkLimits;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.Transcoder;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The running relay: ingest server, hub, transcoder and targets, wired from a validated {@link RelayConfig}.
 * Threads: one event loop accepts, one serves ingest connections, two carry every pusher (all non-blocking), and
 * the transcoder has its own decode thread and one thread per transcoded rendition.
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final RelayConfig config;
    private final EventLoopGroup boss = Transport.newGroup(1, "ingest-accept");
    private final EventLoopGroup ingestLoops = Transport.newGroup(1, "ingest");
    private final EventLoopGroup pusherLoops = Transport.newGroup(2, "pusher");
    private final MediaHub hub = new MediaHub();
    private final IngestMonitor ingestMonitor = new IngestMonitor();
    private final InputSelector inputs;
    private final TargetRegistry targets;
    private final Transcoder transcoder;
    private final IngestServer ingest;
    /** Null without {@code alerts} in the config. */
    private final Alerts alerts;
    /** Null without {@code ingest.srt}. */
    private final SrtIngestServer srt;
    private volatile boolean closed;
    /** The last thumbnail, shared by every dashboard watching. */
    private volatile Thumbnail thumbnail;
    /** Stills of each input's latest keyframe, made on request on their own thread (the standby is never decoded). */
    private final ExecutorService stills = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "castrelay-input-still");
        t.setDaemon(true);
        return t;
    });
    private final Map<InputRole, Thumbnail> inputStills = new ConcurrentHashMap<>();

    private Relay(RelayConfig config, PusherSettings pusherSettings, AlertSettings alertSettings)
            throws InterruptedException {
        this.config = config;
        List<RenditionConfig> transcoded = new ArrayList<>();
        for (RenditionConfig r : config.renditions().values()) {
            hub.addFeed(new RenditionFeed(r.id()), r.passthrough());
            if (!r.passthrough()) {
                transcoded.add(r);
            }
        }
        // With a backup input the failover, not the decoder's own silence check, decides that the active input is
        // gone: the decoder waits half a second past failover.lossMillis before it shows the slate, so a switch
        // to a healthy backup never puts the slate on air.
        Duration silence = config.ingest().hasBackup()
                ? Duration.ofMillis(config.ingest().failover().lossMillis() + 500) : Transcoder.DEFAULT_LOSS_TIMEOUT;
        transcoder = transcoded.isEmpty() ? null : new Transcoder(transcoded, config.slate(), hub::feed,
                Transcoder.DEFAULT_DECODE_QUEUE_CAPACITY, silence);
        hub.setTranscoder(transcoder);
        // A passthrough rendition's pushers live on the ingest's loop: packets go from the socket read to every
        // target's socket write on one thread, with no hand-off (nginx-rtmp's model). A transcoded rendition's
        // pushers share one pusher loop, so an encoded packet is handed over once, not once per target.
        EventLoop ingestLoop = ingestLoops.next();
        Map<String, EventLoop> loops = new ConcurrentHashMap<>();
        for (RenditionConfig r : config.renditions().values()) {
            loops.put(r.id(), r.passthrough() ? ingestLoop : pusherLoops.next());
        }
        targets = new TargetRegistry(hub, pusherSettings, id -> loops.computeIfAbsent(id, k -> pusherLoops.next()),
                config.tls() == null ? null : config.tls().caFile());
        for (TargetConfig t : config.targets()) {
            targets.add(t);
        }
        ListenAddress listen = ListenAddress.parse(config.ingest().listen());
        inputs = new InputSelector(hub, ingestMonitor, config.ingest().failover(), config.ingest().hasBackup(),
                boss.next());
        IngestPolicy policy = new IngestPolicy(config.ingest().app(), config.ingest().streamKey(),
                config.ingest().backupKey(), inputs);
        try {
            ingest = IngestServer.bind(new InetSocketAddress(listen.host(), listen.port()),
                    rtmpLimits(config.ingest().limits()), config.ingest().limits(), policy, boss, ingestLoops);
        } catch (RuntimeException e) {
            // Nothing may linger from a relay that could not start: pushers, encoders, threads.
            stopAfterFailedStart();
            throw e;
        }
        log.info("ingest listening on rtmp://{}:{}/{}/<stream key>", listen.host(), ingest.localAddress().getPort(),
                config.ingest().app());
        SrtConfig srtConfig = config.ingest().srt();
        try {
            // SRT publishers' packets are handed to the same loop as RTMP's: downstream, an input is an input.
            srt = srtConfig == null ? null : SrtIngestServer.start(srtConfig, policy, ingestLoop,
                    config.ingest().limits());
        } catch (RuntimeException e) {
            ingest.close();
            stopAfterFailedStart();
            throw e;
        }
        if (srt != null) {
            log.info("ingest listening on srt://{} (streamid=#!::r={}/<stream key>,m=publish; latency {} ms{})",
                    srt.address(), config.ingest().app(), srtConfig.latencyMillis(),
                    srtConfig.passphrase() == null ? ", no passphrase" : ", encrypted");
        }
        if (config.alerts().isEmpty()) {
            alerts = null;
        } else {
            alerts = Alerts.start(config, this::health, this::secrets, alertSettings);
            inputs.onSwitch(alerts::onSwitch);
        }
    }

    /** Starts everything; the config must be valid (see {@code ConfigLoader}). */
    public static Relay start(RelayConfig config) throws InterruptedException {
        return new Relay(config, settingsFor(config), AlertSettings.DEFAULT);
    }

    /** The pushers' settings for {@code config}: the defaults, retrying as its {@code reconnect} says. */
    public static PusherSettings settingsFor(RelayConfig config) {
        return TargetRegistry.withReconnect(PusherSettings.DEFAULT, config.reconnect());
    }

    /** As {@link #start(RelayConfig)}, with pusher timings of the caller's choosing (tests shorten them). */
    public static Relay start(RelayConfig config, PusherSettings pusherSettings) throws InterruptedException {
        return new Relay(config, pusherSettings, AlertSettings.DEFAULT);
    }

    /** As {@link #start(RelayConfig, PusherSettings)}, with alert timings of the caller's choosing too. */
    public static Relay start(RelayConfig config, PusherSettings pusherSettings, AlertSettings alertSettings)
            throws InterruptedException {
        return new Relay(config, pusherSettings, alertSettings);
    }

    static RtmpLimits rtmpLimits(RtmpLimitsConfig c) {
        return new RtmpLimits(new ChunkLimits(c.maxChunkSize(), c.maxMessageSize(), c.maxChunkStreams(),
                c.maxBufferedBytes(), c.commandBufferedBytes()),
                c.handshakeTimeoutMs(), c.idleTimeoutMs());
    }

    public RelayConfig config() {
        return config;
    }

    public TargetRegistry targets() {
        return targets;
    }

    public InetSocketAddress ingestAddress() {
        return ingest.localAddress();
    }

    /**
     * A JPEG of what is on air (the first transcoded rendition's picture, the slate included) no older than two
     * seconds, made on demand (see {@link Transcoder#thumbnail()}). Completes empty when there is no transcoded
     * rendition or no picture within {@code maxWait}; never blocks the caller.
     */
    public CompletableFuture<Optional<byte[]>> thumbnail(Duration maxWait) {
        if (transcoder == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Thumbnail cached = thumbnail;
        if (cached != null && cached.fresh()) {
            return CompletableFuture.completedFuture(Optional.of(cached.jpeg()));
        }
        return transcoder.thumbnail().orTimeout(maxWait.toMillis(), TimeUnit.MILLISECONDS)
                .handle((jpeg, failure) -> {
                    if (failure != null) {
                        return Optional.empty();
                    }
                    thumbnail = new Thumbnail(jpeg, System.nanoTime());
                    return Optional.of(jpeg);
                });
    }

    /**
     * A JPEG of {@code role}'s input (its latest keyframe, decoded for this picture alone), no older than two
     * seconds; empty when that input is not live or has no keyframe yet. Never blocks the caller.
     */
    public CompletableFuture<Optional<byte[]>> inputThumbnail(InputRole role) {
        Thumbnail cached = inputStills.get(role);
        if (cached != null && cached.fresh()) {
            return CompletableFuture.completedFuture(Optional.of(cached.jpeg()));
        }
        return CompletableFuture.supplyAsync(() -> {
            List<MediaPacket> keyframe = inputs.keyframeOf(role);
            try {
                byte[] jpeg = keyframe.isEmpty() ? null : StillPicture.jpegOf(keyframe);
                if (jpeg != null) {
                    inputStills.put(role, new Thumbnail(jpeg, System.nanoTime()));
                }
                return Optional.ofNullable(jpeg);
            } finally {
                keyframe.forEach(MediaPacket::release);
            }
        }, stills).exceptionally(e -> Optional.empty());
    }

    /** A picture shared by every dashboard watching, remade at most every two seconds. */
    private record Thumbnail(byte[] jpeg, long madeAtNanos) {

        boolean fresh() {
            return System.nanoTime() - madeAtNanos < TimeUnit.SECONDS.toNanos(2);
        }
    }

    /** Alert delivery, or empty without {@code alerts} in the config. */
    public Optional<Alerts> alerts() {
        return Optional.ofNullable(alerts);
    }

    /**
     * Every key and token the relay knows (the API's token, the ingest keys, every target's key): masked wherever a
     * peer's text could echo one.
     */
    public List<String> secrets() {
        List<String> list = new ArrayList<>();
        if (config.control() != null) {
            list.add(config.control().token());
        }
        if (config.ingest() != null) {
            list.add(config.ingest().streamKey());
            list.add(config.ingest().backupKey());
            if (config.ingest().srt() != null) {
                list.add(config.ingest().srt().passphrase());
            }
        }
        for (TargetConfig t : targets.configs()) {
            list.add(t.key());
        }
        list.removeIf(s -> s == null || s.isEmpty());
        return list;
    }

    /** Which input is the program, and the operator's pin. */
    public InputSelector inputs() {
        return inputs;
    }

    public RelayHealth health() {
        var ingestHealth = inputs.health();
        List<RenditionHealth> renditions = new ArrayList<>();
        if (transcoder != null) {
            renditions.addAll(transcoder.health());
        }
        List<TargetHealth> targetHealth = targets.health();
        boolean ingestLive = ingestHealth.state() == IngestState.LIVE;
        boolean anyLive = false;
        boolean allLive = true;
        for (TargetHealth t : targetHealth) {
            boolean live = t.state() == TargetState.LIVE;
            // An archive is a copy for later, not a platform: a relay that reaches no platform is CRITICAL
            // however well its disk records.
            anyLive |= (live || t.state() == TargetState.DEGRADED) && !Platform.ARCHIVE.id().equals(t.platform());
            if (t.state() != TargetState.DISABLED && !live) {
                allLive = false;
            }
        }
        boolean slowRendition = renditions.stream().anyMatch(RenditionHealth::slow);
        // PRODUCT.md: critical when no input is live (the slate on air included) or no target is; warning when a
        // target is not live, a rendition cannot keep up, or the program runs on (or lacks) its backup input.
        boolean onBackup = InputRole.BACKUP.id().equals(ingestHealth.active());
        // A configured backup that is not there is no backup: the venue has one uplink left, and should hear so.
        boolean backupAbsent = config.ingest().hasBackup() && ingestHealth.inputs().stream()
                .noneMatch(i -> i.role().equals(InputRole.BACKUP.id()) && i.state() == IngestState.LIVE);
        RelayHealth.Status status = !ingestLive || !anyLive ? RelayHealth.Status.CRITICAL
                : allLive && !slowRendition && !onBackup && !backupAbsent ? RelayHealth.Status.OK
                : RelayHealth.Status.WARNING;
        return new RelayHealth(status, ingestHealth, renditions, targetHealth,
                alerts == null ? List.of() : alerts.health());
    }

    private void stopAfterFailedStart() {
        closed = true;
        inputs.close();
        stills.shutdownNow();
        if (transcoder != null) {
            transcoder.close();
        }
        targets.stopAll(Duration.ofSeconds(1));
        for (EventLoopGroup g : List.of(boss, ingestLoops, pusherLoops)) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (RenditionFeed feed : hub.feeds()) {
            feed.close();
        }
    }

    /** Unpublishes every target, then stops the ingest and the transcoder. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (alerts != null) {
            alerts.close(); // first: a relay shutting down is no outage to tell anyone about
        }
        log.info("shutting down: unpublishing {} targets", targets.configs().size());
        // Input first, then the encoders flush what they hold and end their streams (the pushers send what is
        // queued), then every target unpublishes: nothing already encoded is lost on the way out.
        ingest.close();
        if (srt != null) {
            srt.close();
        }
        inputs.close();
        if (transcoder != null) {
            transcoder.close();
        }
        targets.stopAll(Duration.ofSeconds(3));
        for (EventLoopGroup g : List.of(boss, ingestLoops, pusherLoops)) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : List.of(boss, ingestLoops, pusherLoops)) {
            g.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        for (RenditionFeed feed : hub.feeds()) {
            feed.close();
        }
        log.info("relay stopped");
    }
}
