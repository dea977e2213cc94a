package dev.castrelay.rtmp.media;

/**
 * Receives a stream's packets in order. The caller keeps its own reference to each packet: a listener that keeps
 * one past the call must {@link MediaPacket#retain()} it. Implementations never block the caller.
 */
public interface MediaListener {

    /** The next packet; metadata and sequence headers come as ordinary packets. */
    void onPacket(MediaPacket packet);

    /** The stream ended (the publisher left or the source went away). */
    default void onStreamEnd() {
    }
}
