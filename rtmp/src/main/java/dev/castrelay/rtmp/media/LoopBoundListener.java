package dev.castrelay.rtmp.media;

import io.netty.util.concurrent.EventExecutor;

/**
 * A listener whose state lives on one event loop and that can take packets there directly. A fan-out hands a
 * packet to each such loop once, for all of its listeners (or calls them in place when it already runs on that
 * loop), instead of waking the loop once per listener.
 */
public interface LoopBoundListener extends MediaListener {

    /** The loop this listener's state lives on. */
    EventExecutor executor();

    /** The next packet, called on {@link #executor()}; the caller keeps its reference. */
    void onPacketOnLoop(MediaPacket packet);

    /**
     * The next packet from any thread: taken in place on the listener's loop, else handed over to it (retained
     * until it is taken). Never blocks.
     */
    @Override
    default void onPacket(MediaPacket packet) {
        EventExecutor loop = executor();
        if (loop.inEventLoop()) {
            onPacketOnLoop(packet);
            return;
        }
        packet.retain();
        loop.execute(() -> {
            try {
                onPacketOnLoop(packet);
            } finally {
                packet.release();
            }
        });
    }
}
