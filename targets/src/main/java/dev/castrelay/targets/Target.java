package dev.castrelay.targets;

import dev.castrelay.rtmp.media.LoopBoundListener;
import io.netty.util.concurrent.Future;

/**
 * One destination of a rendition, as the relay drives it: subscribed to its rendition's feed, started, enabled,
 * disabled, restarted and stopped, and reporting a {@link TargetHealth}. A {@link Pusher} publishes to a platform;
 * an archive writes to local disk. Every method returns at once: the work happens on the target's own loop.
 */
public interface Target extends LoopBoundListener {

    String id();

    TargetSpec spec();

    /** The GOP cache a (re)start begins from; call before {@link #start}. */
    void replayFrom(GopReplay replay);

    /** Starts enabled (waiting for media) or disabled. */
    void start(boolean enable);

    void enable();

    /** Stops sending and keeps the target; persisted by the caller. */
    void disable();

    /** Starts over now: a new connection or file, the backoff reset, a {@code failed} state cleared. */
    void restart();

    /** Ends what is in progress and forgets the target; the future completes when it has let go of everything. */
    Future<Void> stop();

    /** A consistent-enough snapshot for health reports; safe from any thread. */
    TargetHealth health();
}
