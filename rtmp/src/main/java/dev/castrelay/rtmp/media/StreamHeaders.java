package dev.castrelay.rtmp.media;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream's latest metadata ({@code onMetaData}) and codec sequence headers (AVC/HEVC decoder configuration, AAC
 * AudioSpecificConfig): what anything that starts reading the stream mid-way needs before its first frame. A newer
 * one of a kind replaces the older.
 *
 * <p>It holds one reference to each packet it keeps: {@link #offer} retains the new one and releases the one it
 * replaces, {@link #clear} releases them all. Not thread-safe: its owner guards it.
 */
public final class StreamHeaders {

    private MediaPacket metadata;
    private MediaPacket video;
    private MediaPacket audio;

    /** Whether {@code p} is a packet this keeps: script data or a sequence header. */
    public static boolean isHeader(MediaPacket p) {
        return p.isData() || p.isSequenceHeader();
    }

    /**
     * Keeps {@code p} (retaining it) when it is metadata or a sequence header, releasing the one of its kind it
     * replaces. Returns whether it was one; any other packet is left alone.
     */
    public boolean offer(MediaPacket p) {
        if (p.isData()) {
            metadata = replace(metadata, p);
        } else if (!p.isSequenceHeader()) {
            return false;
        } else if (p.isVideo()) {
            video = replace(video, p);
        } else {
            audio = replace(audio, p);
        }
        return true;
    }

    /** The video sequence header, or null (not retained: the caller retains what it keeps). */
    public MediaPacket video() {
        return video;
    }

    /** The audio sequence header, or null (not retained: the caller retains what it keeps). */
    public MediaPacket audio() {
        return audio;
    }

    /** Whether a sequence header of either track is held (metadata alone does not count). */
    public boolean hasSequenceHeader() {
        return video != null || audio != null;
    }

    /**
     * The held packets in the order a player wants them: metadata, the video sequence header, the audio sequence
     * header. Not retained: use them under the owner's guard, or see {@link #retained()}.
     */
    public List<MediaPacket> inOrder() {
        List<MediaPacket> list = new ArrayList<>(3);
        for (MediaPacket p : new MediaPacket[] {metadata, video, audio}) {
            if (p != null) {
                list.add(p);
            }
        }
        return list;
    }

    /** {@link #inOrder()}, each retained for the caller, who releases them. */
    public List<MediaPacket> retained() {
        List<MediaPacket> list = inOrder();
        list.forEach(MediaPacket::retain);
        return list;
    }

    /** Releases every packet held: a new stream brings its own. */
    public void clear() {
        metadata = replace(metadata, null);
        video = replace(video, null);
        audio = replace(audio, null);
    }

    private static MediaPacket replace(MediaPacket old, MediaPacket next) {
        MediaPacket kept = next == null ? null : next.retain(); // first: the same packet may come again
        if (old != null) {
            old.release();
        }
        return kept;
    }
}
