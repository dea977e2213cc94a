package dev.castrelay.relay.control;

import dev.castrelay.relay.Relay;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.relay.alerts.Alerts;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the health document as Prometheus series, plus the JVM's. Targets come and go at
 * runtime: each scrape sets the per-target gauges' rows ({@link MultiGauge}) to the targets of the snapshot and
 * registers or removes the per-target counters to match, so a removed target's series disappear and an added
 * one's appear. Every gauge reads the snapshot taken at the start of the scrape, so one scrape is consistent.
 *
 * <p>Labels are ids, platforms and state names only: no URL, key or token can reach a series.
 */
public final class RelayMetrics implements AutoCloseable {

    private final Relay relay;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    // Owned by scrape(), which is synchronized; gauges read them from the same thread during the scrape.
    private volatile RelayHealth snapshot;
    private final Map<String, TargetHealth> targets = new HashMap<>();
    private final Map<String, RenditionHealth> renditions = new HashMap<>();
    private final MultiGauge targetState;
    private final MultiGauge targetBitrate;
    private final MultiGauge targetFps;
    private final MultiGauge targetQueue;
    private final Map<String, List<Meter>> targetCounters = new HashMap<>();
    private final Map<String, Tags> targetTags = new HashMap<>();
    private final Map<String, List<Meter>> renditionMeters = new HashMap<>();

    public RelayMetrics(Relay relay) {
        this.relay = relay;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        registerIngest();
        targetState = MultiGauge.builder("castrelay.target.state")
                .description("1 for the target's current state, 0 for the others").register(registry);
        targetBitrate = MultiGauge.builder("castrelay.target.bitrate.kbps")
                .description("bitrate sent to the platform over the last seconds, kbit/s").register(registry);
        targetFps = MultiGauge.builder("castrelay.target.fps").description("video frames sent per second")
                .register(registry);
        targetQueue = MultiGauge.builder("castrelay.target.queue").baseUnit("seconds")
                .description("media time waiting in the target's queue").register(registry);
        relay.alerts().ifPresent(this::registerAlerts);
    }

    /** The Prometheus text exposition format (version 0.0.4). */
    public synchronized String scrape() {
        RelayHealth h = relay.health();
        snapshot = h;
        targets.clear();
        h.targets().forEach(t -> targets.put(t.id(), t));
        renditions.clear();
        h.renditions().forEach(r -> renditions.put(r.id(), r));
        syncTargets(h.targets());
        syncRenditions(h.renditions());
        return registry.scrape();
    }

    private void registerIngest() {
        for (IngestState s : IngestState.values()) {
            Gauge.builder("castrelay.ingest.state", this, m -> m.ingest() != null && m.ingest().state() == s ? 1 : 0)
                    .description("1 for the ingest's current state, 0 for the others")
                    .tag("state", s.id()).register(registry);
        }
        Gauge.builder("castrelay.ingest.bitrate.kbps", this, m -> m.ingest() == null ? 0 : m.ingest().bitrateKbps())
                .description("ingest bitrate over the last seconds, kbit/s").register(registry);
        Gauge.builder("castrelay.ingest.fps", this, m -> video(m, IngestHealth.Video::fps))
                .description("ingest video frames per second").register(registry);
        Gauge.builder("castrelay.ingest.keyframe.interval", this,
                        m -> video(m, IngestHealth.Video::keyframeIntervalSec))
                .baseUnit("seconds").description("ingest keyframe interval").register(registry);
        FunctionCounter.builder("castrelay.ingest.failovers", relay, r -> r.inputs().failovers())
                .description("switches of the program between the primary and the backup input").register(registry);
        for (InputRole role : InputRole.values()) {
            Gauge.builder("castrelay.ingest.active", relay, r -> r.inputs().active() == role ? 1 : 0)
                    .description("1 for the input that is the program").tag("input", role.id()).register(registry);
        }
    }

    /**
     * Per endpoint, labelled {@code alerts[0]}: its place in the config, not its URL (a webhook's URL often holds
     * its token). Endpoints are fixed at start, so these are registered once.
     */
    private void registerAlerts(Alerts alerts) {
        List<AlertHealth> endpoints = alerts.health();
        for (int i = 0; i < endpoints.size(); i++) {
            int index = i;
            Tags tags = Tags.of("endpoint", endpoints.get(i).endpoint());
            // Micrometer holds the state object weakly: the relay holds the Alerts, so they stay readable.
            FunctionCounter.builder("castrelay.alerts.sent", alerts, a -> a.health().get(index).sent())
                    .description("alerts delivered (answered 2xx)").tags(tags).register(registry);
            FunctionCounter.builder("castrelay.alerts.failed", alerts, a -> a.health().get(index).failed())
                    .description("alert delivery attempts that failed (retried unless refused with a 4xx)")
                    .tags(tags).register(registry);
            FunctionCounter.builder("castrelay.alerts.dropped", alerts, a -> a.health().get(index).dropped())
                    .description("alerts given up: the oldest of a full queue, or refused by the endpoint")
                    .tags(tags).register(registry);
            Gauge.builder("castrelay.alerts.queued", alerts, a -> a.health().get(index).queued())
                    .description("alerts waiting for delivery, the one in flight included").tags(tags)
                    .register(registry);
        }
    }

    private IngestHealth ingest() {
        RelayHealth h = snapshot;
        return h == null ? null : h.ingest();
    }

    private static double video(RelayMetrics m, ToDoubleFunction<IngestHealth.Video> f) {
        IngestHealth in = m.ingest();
        return in == null || in.video() == null ? 0 : f.applyAsDouble(in.video());
    }

    private void syncTargets(List<TargetHealth> current) {
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        List<MultiGauge.Row<?>> bitrates = new ArrayList<>();
        List<MultiGauge.Row<?>> fps = new ArrayList<>();
        List<MultiGauge.Row<?>> queues = new ArrayList<>();
        for (TargetHealth t : current) {
            String id = t.id();
            Tags tags = Tags.of("target", id, "platform", t.platform(), "rendition", t.rendition());
            for (TargetState s : TargetState.values()) {
                states.add(row(tags.and("state", s.id()), id, h -> h.state() == s ? 1 : 0));
            }
            bitrates.add(row(tags, id, TargetHealth::bitrateKbps));
            fps.add(row(tags, id, TargetHealth::fps));
            queues.add(row(tags, id, h -> h.queueMs() / 1000.0));
            if (!tags.equals(targetTags.get(id))) {
                unregister(targetCounters.remove(id));
                targetCounters.put(id, registerTargetCounters(id, tags));
                targetTags.put(id, tags);
            }
        }
        // Rows already there keep their gauge (it reads the current snapshot); the rest come and go.
        targetState.register(states, false);
        targetBitrate.register(bitrates, false);
        targetFps.register(fps, false);
        targetQueue.register(queues, false);
        for (String id : new ArrayList<>(targetCounters.keySet())) {
            if (!targets.containsKey(id)) {
                unregister(targetCounters.remove(id));
                targetTags.remove(id);
            }
        }
    }

    private MultiGauge.Row<RelayMetrics> row(Tags tags, String id, ToDoubleFunction<TargetHealth> f) {
        return MultiGauge.Row.of(tags, this, m -> m.target(id, f));
    }

    /** Counters have no multi-row form in Micrometer: one per target, registered and removed with it. */
    private List<Meter> registerTargetCounters(String id, Tags tags) {
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("castrelay.target.sent", this, m -> m.target(id, TargetHealth::bytesSent))
                .baseUnit("bytes").description("bytes of media sent to the platform").tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("castrelay.target.dropped.frames", this,
                        m -> m.target(id, TargetHealth::droppedFrames))
                .description("frames dropped (whole GOPs) because the target fell behind").tags(tags)
                .register(registry));
        meters.add(FunctionCounter.builder("castrelay.target.reconnects", this,
                        m -> m.target(id, TargetHealth::reconnects))
                .description("reconnection attempts").tags(tags).register(registry));
        return meters;
    }

    private double target(String id, ToDoubleFunction<TargetHealth> f) {
        TargetHealth t = targets.get(id);
        return t == null ? Double.NaN : f.applyAsDouble(t);
    }

    private void syncRenditions(List<RenditionHealth> current) {
        for (RenditionHealth r : current) {
            renditionMeters.computeIfAbsent(r.id(), this::registerRendition);
        }
        for (String id : new ArrayList<>(renditionMeters.keySet())) {
            if (!renditions.containsKey(id)) {
                unregister(renditionMeters.remove(id));
            }
        }
    }

    private List<Meter> registerRendition(String id) {
        List<Meter> meters = new ArrayList<>();
        Tags tags = Tags.of("rendition", id);
        for (RenditionState s : RenditionState.values()) {
            meters.add(Gauge.builder("castrelay.rendition.state", this,
                            m -> m.rendition(id, r -> r.state() == s ? 1 : 0))
                    .description("1 for the rendition's current state, 0 for the others")
                    .tags(tags).tag("state", s.id()).register(registry));
        }
        meters.add(Gauge.builder("castrelay.rendition.fps", this, m -> m.rendition(id, RenditionHealth::fps))
                .description("frames encoded per second").tags(tags).register(registry));
        meters.add(Gauge.builder("castrelay.rendition.bitrate.kbps", this,
                        m -> m.rendition(id, RenditionHealth::bitrateKbps))
                .description("encoded bitrate, kbit/s").tags(tags).register(registry));
        meters.add(Gauge.builder("castrelay.rendition.speed", this, m -> m.rendition(id, RenditionHealth::speed))
                .description("media seconds encoded per second of work; below 1 it cannot keep up").tags(tags)
                .register(registry));
        return meters;
    }

    private double rendition(String id, ToDoubleFunction<RenditionHealth> f) {
        RenditionHealth r = renditions.get(id);
        return r == null ? Double.NaN : f.applyAsDouble(r);
    }

    private void unregister(List<Meter> meters) {
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
