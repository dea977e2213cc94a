package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A target that records its rendition on local disk ({@code platform: archive}): the same lifecycle and health as a
 * {@link Pusher}, with an {@link ArchiveWriter} where a pusher has its connection. Packets arrive on the target's
 * event loop, where this class decides what to keep (enabled, not failed, not already primed) and hands it to the
 * writer's bounded queue without ever waiting for the disk.
 */
public final class ArchiveTarget implements Target {

    private final TargetSpec spec;
    private final EventLoop loop;
    private final ArchiveWriter writer;
    private final Thread thread;

    // Owned by the event loop.
    private boolean enabled;
    private boolean stopped;
    private GopReplay gopReplay = GopReplay.NONE;
    /** Packets the last priming took from the GOP cache, skipped when they also arrive live (see Pusher). */
    private Set<MediaPacket> primed;

    public ArchiveTarget(TargetSpec spec, ArchiveSettings settings, EventLoop loop) {
        this.spec = spec;
        this.loop = loop;
        this.writer = new ArchiveWriter(spec.id(), settings);
        this.thread = new Thread(writer, "archive-" + spec.id());
        thread.setDaemon(true); // a disk that never answers must not keep the process alive
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public TargetSpec spec() {
        return spec;
    }

    @Override
    public void replayFrom(GopReplay replay) {
        this.gopReplay = replay;
    }

    @Override
    public void start(boolean enable) {
        thread.start();
        loop.execute(() -> {
            enabled = enable;
            writer.signal(enable ? ArchiveWriter.Signal.ENABLE : ArchiveWriter.Signal.DISABLE);
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

    @Override
    public void onStreamEnd() {
        loop.execute(() -> {
            primed = null;
            if (!stopped) {
                writer.signal(ArchiveWriter.Signal.STREAM_END);
            }
        });
    }

    private void accept(MediaPacket p) {
        if (stopped || !enabled || writer.failed()) {
            return;
        }
        if (primed != null) {
            if (primed.contains(p)) {
                return;
            }
            primed = null;
        }
        writer.offer(p);
    }

    /** A fresh start mid-stream begins from the GOP cache: headers and the current GOP, from its keyframe. */
    private void primeFromCache() {
        List<MediaPacket> cached = new ArrayList<>();
        gopReplay.replayTo(p -> cached.add(p.retain()));
        primed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MediaPacket p : cached) {
            writer.offer(p);
            primed.add(p);
        }
        cached.forEach(MediaPacket::release);
    }

    @Override
    public void enable() {
        loop.execute(() -> {
            if (enabled || stopped) {
                return;
            }
            enabled = true;
            writer.signal(ArchiveWriter.Signal.ENABLE);
            primeFromCache();
        });
    }

    @Override
    public void disable() {
        loop.execute(() -> {
            enabled = false;
            writer.signal(ArchiveWriter.Signal.DISABLE);
        });
    }

    /** Closes the current file and starts a new one at once from the GOP cache; clears {@code failed}. */
    @Override
    public void restart() {
        loop.execute(() -> {
            if (!enabled || stopped) {
                return;
            }
            writer.signal(ArchiveWriter.Signal.RESTART);
            primeFromCache();
        });
    }

    @Override
    public Future<Void> stop() {
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            stopped = true;
            enabled = false;
            writer.stop(done);
        });
        return done;
    }

    @Override
    public TargetHealth health() {
        return writer.health(spec);
    }
}
