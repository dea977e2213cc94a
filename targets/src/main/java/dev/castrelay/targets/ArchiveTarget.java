package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

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
    private final GopPriming priming;

    public ArchiveTarget(TargetSpec spec, ArchiveSettings settings, EventLoop loop) {
        this.spec = spec;
        this.loop = loop;
        this.writer = new ArchiveWriter(spec.id(), settings);
        this.priming = new GopPriming(cached -> cached.forEach(writer::offer), false);
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
        priming.replayFrom(replay);
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
            priming.forget();
            if (!stopped) {
                writer.signal(ArchiveWriter.Signal.STREAM_END);
            }
        });
    }

    private void accept(MediaPacket p) {
        if (stopped || !enabled || writer.failed()) {
            return;
        }
        if (!priming.alreadyPrimed(p)) {
            writer.offer(p);
        }
    }

    /** A fresh start mid-stream begins from the GOP cache: headers and the current GOP, from its keyframe. */
    @Override
    public void enable() {
        loop.execute(() -> {
            if (enabled || stopped) {
                return;
            }
            enabled = true;
            writer.signal(ArchiveWriter.Signal.ENABLE);
            priming.prime();
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
            priming.prime();
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
