package dev.castrelay.relay.hub;

import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest metadata, sequence headers and the packets since the latest keyframe: what a target joining
 * mid-stream is sent first, so it starts at once and cleanly instead of waiting up to a GOP. Bounded in bytes: a
 * stream with absurdly long GOPs gets a cleared cache rather than unbounded memory. Not thread-safe: owned by its
 * {@link RenditionFeed}.
 */
final class GopCache {

    private final long maxBytes;
    private final List<MediaPacket> gop = new ArrayList<>();
    private MediaPacket metadata;
    private MediaPacket videoHeader;
    private MediaPacket audioHeader;
    private long bytes;
    private boolean overflowed;

    GopCache(long maxBytes) {
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
            overflowed = false;
            append(p);
        } else if (!gop.isEmpty() && !overflowed) {
            append(p);
        }
    }

    private void append(MediaPacket p) {
        if (bytes + p.size() > maxBytes) {
            clearGop();
            overflowed = true; // wait for the next keyframe: a partial GOP is no clean start
            return;
        }
        gop.add(p.retain());
        bytes += p.size();
    }

    /** Sends headers, then the cached GOP, to a new listener. */
    void replayTo(MediaListener listener) {
        for (MediaPacket h : new MediaPacket[] {metadata, videoHeader, audioHeader}) {
            if (h != null) {
                listener.onPacket(h);
            }
        }
        for (MediaPacket p : gop) {
            listener.onPacket(p);
        }
    }

    int gopPackets() {
        return gop.size();
    }

    void clear() {
        clearGop();
        metadata = swap(metadata, null);
        videoHeader = swap(videoHeader, null);
        audioHeader = swap(audioHeader, null);
    }

    private void clearGop() {
        for (MediaPacket p : gop) {
            p.release();
        }
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
