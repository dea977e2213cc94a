package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaListener;

/**
 * Where a pusher starts a connection from: the metadata, sequence headers and the packets since the latest keyframe
 * of its rendition (the hub's GOP cache), so a target that restarts, is enabled or reconnects starts at once from a
 * keyframe already sent, not at the next one.
 */
@FunctionalInterface
public interface GopReplay {

    /** Nothing cached: a pusher without a hub waits for the next keyframe. */
    GopReplay NONE = listener -> { };

    /** Sends the cached packets, in order, to {@code listener} (which retains what it keeps); nothing when idle. */
    void replayTo(MediaListener listener);
}
