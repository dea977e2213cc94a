package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.StreamHeaders;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pusher's bounded queue, by media duration and bytes. When either limit is passed it drops whole GOPs from the
 * oldest end, so what the platform receives always resumes at a keyframe with audio and video together; it never
 * blocks the producer. It also keeps the stream's latest metadata and sequence headers, sent first on every new
 * connection.
 *
 * <p>Not thread-safe: owned by the pusher's event loop.
 */
final class PacketQueue {

    private final ArrayDeque<MediaPacket> packets = new ArrayDeque<>();
    private final long maxMillis;
    private final long maxBytes;
    private final StreamHeaders headers = new StreamHeaders();
    private boolean sawVideo;
    private boolean waitingForKeyframe = true;
    private long bytes;
    private long droppedFrames;

    PacketQueue(long maxMillis, long maxBytes) {
        this.maxMillis = maxMillis;
        this.maxBytes = maxBytes;
    }

    /** Queues a packet (retaining it), then enforces the limits. */
    void offer(MediaPacket p) {
        if (headers.offer(p)) {
            sawVideo |= p.isVideo();
        } else if (waitingForKeyframe) {
            if (p.isVideo() && p.isKeyframe()) {
                waitingForKeyframe = false;
            } else if (p.isVideo() || sawVideo) {
                if (p.isVideo()) {
                    droppedFrames++; // never reaches the platform either
                }
                return; // the platform must start at a keyframe, and audio waits for the picture
            }
        }
        // Headers and metadata are queued too, in order: one that changes mid-stream must reach the platform
        // before the frames that need it. They are also kept aside for the start of every new connection.
        packets.addLast(p.retain());
        bytes += p.heldBytes(); // what the queue keeps alive: the chunks, for a chunked packet
        while (!packets.isEmpty() && (durationMillis() > maxMillis || bytes > maxBytes)) {
            if (!dropOldestGop()) {
                break; // only headers left: nothing more to drop
            }
        }
    }

    private static boolean isMedia(MediaPacket p) {
        return !StreamHeaders.isHeader(p);
    }

    /**
     * Drops the oldest GOP when a newer one is queued (the newest is kept: the platform resumes from it). Returns
     * whether media went. For a lag that builds up beyond the queue, in the socket and the platform's buffers.
     */
    boolean dropOldestGopBeforeNewest() {
        boolean keyframeAfterHead = false;
        boolean sawMedia = false;
        for (MediaPacket p : packets) {
            if (isMedia(p)) {
                if (sawMedia && p.isVideo() && p.isKeyframe()) {
                    keyframeAfterHead = true;
                    break;
                }
                sawMedia = true;
            }
        }
        return keyframeAfterHead && dropOldestGop();
    }

    /**
     * Drops the media from the head up to the next keyframe after it (never half a GOP); with no later keyframe,
     * all media. Headers met on the way stay, in order, for the frames after them. Returns whether media went.
     */
    private boolean dropOldestGop() {
        int cut = -1;
        int i = 0;
        boolean sawMedia = false;
        for (MediaPacket p : packets) {
            if (isMedia(p)) {
                if (sawMedia && p.isVideo() && p.isKeyframe()) {
                    cut = i;
                    break;
                }
                sawMedia = true;
            }
            i++;
        }
        if (!sawMedia) {
            return false;
        }
        List<MediaPacket> headersOnTheWay = new ArrayList<>();
        int toDrop = cut < 0 ? packets.size() : cut;
        for (int n = 0; n < toDrop; n++) {
            MediaPacket p = packets.pollFirst();
            if (isMedia(p)) {
                drop(p);
            } else {
                headersOnTheWay.add(p);
            }
        }
        for (int n = headersOnTheWay.size() - 1; n >= 0; n--) {
            packets.addFirst(headersOnTheWay.get(n));
        }
        if (cut < 0) {
            waitingForKeyframe = true;
        }
        return true;
    }

    /**
     * Called while not sending, and before sending on a new connection: start from the newest keyframe, the
     * freshest clean start. What is skipped counts as dropped: the platform never gets it.
     */
    void startFromLatestKeyframe() {
        int lastKey = -1;
        int i = 0;
        for (MediaPacket p : packets) {
            if (p.isVideo() && p.isKeyframe()) {
                lastKey = i;
            }
            i++;
        }
        if (lastKey < 0) {
            if (sawVideo) {
                dropFromHead(packets.size());
                waitingForKeyframe = true;
            }
            return;
        }
        dropFromHead(lastKey);
    }

    /** Drops the first {@code count} packets; the stored headers cover any header among them. */
    private void dropFromHead(int count) {
        for (int n = 0; n < count; n++) {
            drop(packets.pollFirst());
        }
    }

    private void drop(MediaPacket p) {
        bytes -= p.heldBytes();
        if (p.isVideo() && !p.isSequenceHeader()) {
            droppedFrames++;
        }
        p.release();
    }

    /** Metadata and sequence headers, retained for the caller, in the order a player wants them. */
    List<MediaPacket> headers() {
        return headers.retained();
    }

    boolean hasHeaders() {
        return headers.hasSequenceHeader();
    }

    /** The next packet to send (the caller takes the reference), or null. */
    MediaPacket poll() {
        MediaPacket p = packets.pollFirst();
        if (p != null) {
            bytes -= p.heldBytes();
        }
        return p;
    }

    boolean isEmpty() {
        return packets.isEmpty();
    }

    /** Media time from the oldest media packet to the newest; headers kept at the head do not count. */
    /** The timestamp of the newest media packet queued; {@code Long.MIN_VALUE} when none is. */
    long newestTimestamp() {
        for (var it = packets.descendingIterator(); it.hasNext(); ) {
            MediaPacket p = it.next();
            if (isMedia(p)) {
                return p.timestamp();
            }
        }
        return Long.MIN_VALUE;
    }

    long durationMillis() {
        if (packets.size() < 2) {
            return 0;
        }
        for (MediaPacket p : packets) {
            if (isMedia(p)) {
                return Math.max(0, packets.peekLast().timestamp() - p.timestamp());
            }
        }
        return 0;
    }

    long bytes() {
        return bytes;
    }

    long droppedFrames() {
        return droppedFrames;
    }

    /** Drops everything queued and starts over from {@code packets} (a connection's priming from the GOP cache). */
    void startOver(List<MediaPacket> packets) {
        clear();
        packets.forEach(this::offer);
    }

    /** The stream ended (publisher gone): media and headers go, a new stream brings its own. */
    void clear() {
        clearMedia();
        headers.clear();
        sawVideo = false;
        waitingForKeyframe = true;
    }

    private void clearMedia() {
        MediaPacket p;
        while ((p = packets.pollFirst()) != null) {
            p.release();
        }
        bytes = 0;
    }
}
