package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Where a pusher's (re)connection starts: its queue is filled from the rendition's GOP cache (headers, then
 * everything since the latest keyframe), so the connection starts at once from a keyframe the platforms before it
 * already had, not a GOP later.
 *
 * <p>Owned by the pusher's event loop.
 */
final class GopPriming {

    private final PacketQueue queue;
    private GopReplay replay = GopReplay.NONE;
    /**
     * The packets the last priming took from the GOP cache: the same ones may still be on their way in hand-over
     * tasks queued before it, and are skipped; the first packet not among them ends the set.
     */
    private Set<MediaPacket> primed;

    GopPriming(PacketQueue queue) {
        this.queue = queue;
    }

    /** The GOP cache a (re)connection starts from. */
    void replayFrom(GopReplay replay) {
        this.replay = replay;
    }

    /** Fills the queue from the GOP cache, when it holds a keyframe. */
    void prime() {
        List<MediaPacket> cached = new ArrayList<>();
        replay.replayTo(p -> cached.add(p.retain()));
        boolean hasKeyframe = cached.stream().anyMatch(p -> p.isVideo() && p.isKeyframe() && !p.isSequenceHeader());
        if (hasKeyframe) {
            queue.clear();
            primed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (MediaPacket p : cached) {
                queue.offer(p);
                primed.add(p);
            }
        }
        cached.forEach(MediaPacket::release);
    }

    /** Whether {@code p}, arriving live, was already queued from the GOP cache. */
    boolean alreadyQueued(MediaPacket p) {
        if (primed != null) {
            if (primed.contains(p)) {
                return true;
            }
            primed = null;
        }
        return false;
    }
}
