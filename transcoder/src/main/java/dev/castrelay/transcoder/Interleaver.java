package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Puts a rendition's audio and video tags in timestamp order, as FFmpeg's FLV muxer does: x264's lookahead
 * delivers video a good fraction of a second after the audio of the same instant, and some platforms
 * mishandle tags far out of order. A kind that stays alone for longer than {@link #MAX_WAIT_MS} of media (an
 * ingest without audio, say) is let through rather than held forever. Each kind's timestamps are made
 * non-decreasing.
 *
 * <p>Owned by the rendition thread; holds one reference to each queued packet.
 */
final class Interleaver {

    static final long MAX_WAIT_MS = 3000;

    private final ArrayDeque<MediaPacket> audio = new ArrayDeque<>();
    private final ArrayDeque<MediaPacket> video = new ArrayDeque<>();
    private final Consumer<MediaPacket> out;
    private long lastAudio = Long.MIN_VALUE;
    private long lastVideo = Long.MIN_VALUE;

    /** {@code out} takes over each packet's reference. */
    Interleaver(Consumer<MediaPacket> out) {
        this.out = out;
    }

    /** Takes over {@code p}'s reference. */
    void add(MediaPacket p) {
        (p.isAudio() ? audio : video).add(p);
        while (true) {
            MediaPacket a = audio.peek();
            MediaPacket v = video.peek();
            if (a != null && v != null) {
                emit(a.timestamp() <= v.timestamp() ? audio.poll() : video.poll());
            } else if (a != null && audio.peekLast().timestamp() - a.timestamp() > MAX_WAIT_MS) {
                emit(audio.poll());
            } else if (v != null && video.peekLast().timestamp() - v.timestamp() > MAX_WAIT_MS) {
                emit(video.poll());
            } else {
                return;
            }
        }
    }

    /** Emits everything held, in order. */
    void flush() {
        while (!audio.isEmpty() || !video.isEmpty()) {
            MediaPacket a = audio.peek();
            MediaPacket v = video.peek();
            emit(v == null || (a != null && a.timestamp() <= v.timestamp()) ? audio.poll() : video.poll());
        }
        lastAudio = Long.MIN_VALUE;
        lastVideo = Long.MIN_VALUE;
    }

    /** Drops everything held (shutting down). */
    void discard() {
        audio.forEach(MediaPacket::release);
        video.forEach(MediaPacket::release);
        audio.clear();
        video.clear();
    }

    private void emit(MediaPacket p) {
        long last = p.isAudio() ? lastAudio : lastVideo;
        if (p.timestamp() < last) {
            MediaPacket fixed = p.retainedWithTimestamp(last);
            p.release();
            p = fixed;
        }
        if (p.isAudio()) {
            lastAudio = p.timestamp();
        } else {
            lastVideo = p.timestamp();
        }
        out.accept(p);
    }
}
