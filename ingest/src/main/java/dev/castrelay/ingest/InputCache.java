package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaPacket;

import java.util.ArrayList;
import java.util.List;

/**
 * One input's latest metadata, sequence headers and the packets since its latest keyframe, kept while it is not
 * the program too: a switch to it starts at once, from a keyframe, with its own headers. Bounded in bytes (a
 * pathological GOP empties it until the next keyframe). Owned by the {@link InputSelector}, under its lock.
 */
final class InputCache {

    private final long maxBytes;
    private final List<MediaPacket> gop = new ArrayList<>();
    private MediaPacket metadata;
    private MediaPacket videoHeader;
    private MediaPacket audioHeader;
    private long bytes;

    InputCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void add(MediaPacket p) {
        if (p.isData()) {
            metadata = swap(metadata, p);
        } else if (p.isSequenceHeader()) {
            if (p.isVideo()) {
                videoHeader = swap(videoHeader, p);
            } else {
                audioHeader = swap(audioHeader, p);
            }
        } else if (p.isVideo() && p.isKeyframe()) {
            clearGop();
            append(p);
        } else if (!gop.isEmpty()) {
            append(p);
        }
    }

    private void append(MediaPacket p) {
        if (bytes + p.size() > maxBytes) {
            clearGop();
            return;
        }
        gop.add(p.retain());
        bytes += p.size();
    }

    /** Whether a switch could start from here now: a keyframe is cached. */
    boolean hasKeyframe() {
        return !gop.isEmpty();
    }

    /** The timestamp of the cached keyframe; only with {@link #hasKeyframe()}. */
    long keyframeTimestamp() {
        return gop.get(0).timestamp();
    }

    /** Headers, then the cached GOP from its keyframe, in order (not retained: use them under the lock). */
    List<MediaPacket> startingPoint() {
        List<MediaPacket> out = new ArrayList<>();
        for (MediaPacket h : new MediaPacket[] {metadata, videoHeader, audioHeader}) {
            if (h != null) {
                out.add(h);
            }
        }
        out.addAll(gop);
        return out;
    }

    /** The headers alone, for a switch that starts at a live keyframe. */
    List<MediaPacket> headers() {
        List<MediaPacket> out = new ArrayList<>();
        for (MediaPacket h : new MediaPacket[] {metadata, videoHeader, audioHeader}) {
            if (h != null) {
                out.add(h);
            }
        }
        return out;
    }

    void clear() {
        clearGop();
        metadata = swap(metadata, null);
        videoHeader = swap(videoHeader, null);
        audioHeader = swap(audioHeader, null);
    }

    private void clearGop() {
        gop.forEach(MediaPacket::release);
        gop.clear();
        bytes = 0;
    }

    private static MediaPacket swap(MediaPacket old, MediaPacket next) {
        if (old != null) {
            old.release();
        }
        return next == null ? null : next.retain();
    }
}
