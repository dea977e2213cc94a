package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.StreamHeaders;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest metadata, sequence headers and the packets since the latest keyframe of a stream: where anything that
 * joins it mid-stream starts, at once and from a keyframe (a target joining a rendition, the program switching to
 * the other input). Bounded in bytes: a pathological GOP empties it until the next keyframe, and so does a changed
 * video sequence header (the cached frames were encoded with the old one); a changed audio sequence header drops
 * the cached audio for the same reason. Not thread-safe: its owner guards it.
 */
public final class GopCache {

    private final long maxBytes;
    private final List<MediaPacket> gop = new ArrayList<>();
    private final StreamHeaders headers = new StreamHeaders();
    private long bytes;

    public GopCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void add(MediaPacket p) {
        if (p.isSequenceHeader()) {
            MediaPacket previous = p.isVideo() ? headers.video() : headers.audio();
            if (previous != null && !previous.payload().equals(p.payload())) {
                if (p.isVideo()) {
                    clearGop(); // its frames need the old header: a joiner could not decode them with the new one
                } else {
                    dropCachedAudio(); // decoded with the new configuration it would be noise; the video stays
                }
            }
        }
        if (headers.offer(p)) {
            return;
        }
        if (p.isVideo() && p.isKeyframe()) {
            clearGop();
            append(p);
        } else if (!gop.isEmpty()) {
            append(p);
        }
    }

    private void append(MediaPacket p) {
        if (bytes + p.heldBytes() > maxBytes) {
            clearGop();
            return;
        }
        gop.add(p.retain());
        bytes += p.heldBytes();
    }

    /** Whether a switch could start from here now: a keyframe is cached. */
    boolean hasKeyframe() {
        return !gop.isEmpty();
    }

    /** The timestamp of the cached keyframe; only with {@link #hasKeyframe()}. */
    long keyframeTimestamp() {
        return gop.get(0).timestamp();
    }

    /** Headers, then the cached GOP from its keyframe, in order (not retained: use them under the owner's lock). */
    List<MediaPacket> startingPoint() {
        List<MediaPacket> out = headers.inOrder();
        out.addAll(gop);
        return out;
    }

    /** The video sequence header and the cached keyframe, retained (the caller releases them); empty without both. */
    List<MediaPacket> keyframe() {
        MediaPacket videoHeader = headers.video();
        if (videoHeader == null || gop.isEmpty()) {
            return List.of();
        }
        return List.of(videoHeader.retain(), gop.get(0).retain());
    }

    /** Sends the headers, then the cached GOP, to {@code listener}. */
    public void replayTo(MediaListener listener) {
        startingPoint().forEach(listener::onPacket);
    }

    public void clear() {
        clearGop();
        headers.clear();
    }

    private void dropCachedAudio() {
        gop.removeIf(p -> {
            if (!p.isAudio()) {
                return false;
            }
            bytes -= p.heldBytes();
            p.release();
            return true;
        });
    }

    private void clearGop() {
        gop.forEach(MediaPacket::release);
        gop.clear();
        bytes = 0;
    }
}
