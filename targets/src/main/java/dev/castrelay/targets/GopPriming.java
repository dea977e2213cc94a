package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where a target's (re)start begins: the rendition's GOP cache (headers, then everything since the latest keyframe)
 * is handed to it, so it starts at once from a keyframe the targets before it already had, not a GOP later. The
 * same packets may still be on their way in hand-over tasks queued before the priming: {@link #alreadyPrimed} says
 * which to skip.
 *
 * <p>Owned by the target's event loop.
 */
final class GopPriming {

    private final Consumer<List<MediaPacket>> into;
    private final boolean needsKeyframe;
    private GopReplay replay = GopReplay.NONE;
    /** The packets the last priming handed on; the first live packet not among them ends the set. */
    private Set<MediaPacket> primed;

    /**
     * @param into          takes the cached packets in replay order (not retained beyond the call)
     * @param needsKeyframe a cache without a keyframe is not handed on (a pusher keeps what it has instead)
     */
    GopPriming(Consumer<List<MediaPacket>> into, boolean needsKeyframe) {
        this.into = into;
        this.needsKeyframe = needsKeyframe;
    }

    /** The GOP cache a (re)start begins from. */
    void replayFrom(GopReplay replay) {
        this.replay = replay;
    }

    /** Hands the GOP cache on (see {@code needsKeyframe}) and remembers what it handed. */
    void prime() {
        List<MediaPacket> cached = new ArrayList<>();
        replay.replayTo(p -> cached.add(p.retain()));
        boolean hasKeyframe = cached.stream().anyMatch(p -> p.isVideo() && p.isKeyframe() && !p.isSequenceHeader());
        if (hasKeyframe || !needsKeyframe) {
            into.accept(cached);
            primed = Collections.newSetFromMap(new IdentityHashMap<>());
            primed.addAll(cached);
        }
        cached.forEach(MediaPacket::release);
    }

    /** Whether {@code p}, arriving live, was already handed on by the last priming. */
    boolean alreadyPrimed(MediaPacket p) {
        if (primed != null) {
            if (primed.contains(p)) {
                return true;
            }
            primed = null;
        }
        return false;
    }

    /** The stream ended: nothing still on its way can be a primed packet. */
    void forget() {
        primed = null;
    }
}
