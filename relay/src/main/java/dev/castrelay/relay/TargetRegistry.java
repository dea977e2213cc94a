package dev.castrelay.relay;

import dev.castrelay.config.ArchiveConfig;
import dev.castrelay.config.QueueConfig;
import dev.castrelay.config.ReconnectConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.relay.hub.MediaHub;
import dev.castrelay.relay.hub.RenditionFeed;
import dev.castrelay.targets.ArchiveSettings;
import dev.castrelay.targets.ArchiveTarget;
import dev.castrelay.targets.Pusher;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.Target;
import dev.castrelay.targets.TargetSpec;
import dev.castrelay.targets.TlsContexts;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The live set of targets: each a {@link Target} (a {@link Pusher}, or an {@link ArchiveTarget}) subscribed to its
 * rendition's feed. Adding, removing, enabling, disabling and restarting one touches no other. Synchronized: changes
 * come from the control API and start-up.
 */
public final class TargetRegistry {

    private final MediaHub hub;
    private final PusherSettings baseSettings;
    /** The loop each rendition's pushers live on: one per rendition, so a packet wakes one thread. */
    private final Function<String, EventLoop> loopFor;
    private final TlsContexts tls = new TlsContexts();
    private final String globalCaFile;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private record Entry(TargetConfig config, Target target, RenditionFeed feed) {
    }

    public TargetRegistry(MediaHub hub, PusherSettings baseSettings, Function<String, EventLoop> loopFor,
                          String globalCaFile) {
        this.hub = hub;
        this.baseSettings = baseSettings;
        this.loopFor = loopFor;
        this.globalCaFile = globalCaFile;
    }

    /** Starts a target; its id must be new and its rendition must exist (the config layer checked both). */
    public synchronized void add(TargetConfig config) {
        if (entries.containsKey(config.id())) {
            throw new IllegalArgumentException("target '" + config.id() + "' already exists");
        }
        RenditionFeed feed = hub.feed(config.rendition());
        if (feed == null) {
            throw new IllegalArgumentException("target '" + config.id() + "': no rendition '" + config.rendition()
                    + "'");
        }
        String caFile = config.tls() != null && config.tls().caFile() != null ? config.tls().caFile() : globalCaFile;
        TargetSpec spec = new TargetSpec(config.id(), config.platform().id(), config.rendition(),
                config.publishUrl(), config.maskedUrl(), caFile, config.platform().takesOnlyH264());
        QueueConfig q = config.queue();
        PusherSettings settings = q == null ? baseSettings
                : baseSettings.withQueue(q.maxMillis(), q.maxBytes(), q.stallSeconds() * 1000L);
        if (config.reconnect() != null) {
            settings = withReconnect(settings, config.reconnect());
        }
        Target target = config.isArchive() ? archive(config, spec, settings)
                : new Pusher(spec, settings, loopFor.apply(config.rendition()), tls);
        target.replayFrom(feed);
        target.start(config.enabled());
        feed.subscribe(target);
        entries.put(config.id(), new Entry(config, target, feed));
    }

    /** An archive target: its queue limits as a pusher's, its files as the config says. */
    private ArchiveTarget archive(TargetConfig config, TargetSpec spec, PusherSettings settings) {
        ArchiveConfig a = config.archive() != null ? config.archive() : ArchiveConfig.defaults();
        Path dir = ArchiveConfig.directory(config.effectiveUrl());
        if (dir == null) {
            throw new IllegalArgumentException("target '" + config.id() + "': an archive needs a file:/// directory "
                    + "URL");
        }
        return new ArchiveTarget(spec, new ArchiveSettings(dir, a.segmentMillis(), a.minFreeMB() * 1024 * 1024,
                settings.maxQueueMillis(), settings.maxQueueBytes()), loopFor.apply(config.rendition()));
    }

    /** {@code settings} retrying as {@code reconnect} says. */
    public static PusherSettings withReconnect(PusherSettings settings, ReconnectConfig reconnect) {
        return settings.withReconnect(reconnect.maxSeconds() * 1000L, reconnect.refusedMaxSeconds() * 1000L,
                reconnect.maxRefusals());
    }

    /** Stops and forgets a target; the future completes once it has unpublished. */
    public synchronized Future<Void> remove(String id) {
        Entry e = entry(id);
        entries.remove(id);
        e.feed().unsubscribe(e.target());
        return e.target().stop();
    }

    public synchronized void setEnabled(String id, boolean enabled) {
        Entry e = entry(id);
        entries.put(id, new Entry(e.config().withEnabled(enabled), e.target(), e.feed()));
        if (enabled) {
            e.target().enable();
        } else {
            e.target().disable();
        }
    }

    public synchronized void restart(String id) {
        entry(id).target().restart();
    }

    public synchronized boolean contains(String id) {
        return entries.containsKey(id);
    }

    public synchronized List<TargetConfig> configs() {
        return entries.values().stream().map(Entry::config).toList();
    }

    public synchronized TargetHealth health(String id) {
        return entry(id).target().health();
    }

    public synchronized List<TargetHealth> health() {
        List<TargetHealth> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            list.add(e.target().health());
        }
        return list;
    }

    /** Unpublishes every target, waiting at most {@code timeout} in all. */
    public void stopAll(Duration timeout) {
        List<Future<Void>> stops = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                e.feed().unsubscribe(e.target());
                stops.add(e.target().stop());
            }
            entries.clear();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<Void> f : stops) {
            f.awaitUninterruptibly(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    private Entry entry(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new NoSuchElementException("no target '" + id + "'");
        }
        return e;
    }
}
