package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes FLV tag bodies a queue can classify (keyframe, inter frame, sequence headers, AAC, metadata) and remembers
 * them, so a test can check at the end that every one was released.
 */
final class Packets {

    private final List<MediaPacket> made = new ArrayList<>();

    MediaPacket metadata() {
        return make(MediaPacket.Kind.DATA, 0, new byte[] {2, 0, 10}, 0);
    }

    MediaPacket videoHeader() {
        return make(MediaPacket.Kind.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0}, 0);
    }

    MediaPacket audioHeader() {
        return make(MediaPacket.Kind.AUDIO, 0, new byte[] {(byte) 0xAF, 0, 0x11, (byte) 0x90}, 0);
    }

    MediaPacket keyframe(long timestamp, int size) {
        return make(MediaPacket.Kind.VIDEO, timestamp, new byte[] {0x17, 1, 0, 0, 0}, size);
    }

    MediaPacket interFrame(long timestamp, int size) {
        return make(MediaPacket.Kind.VIDEO, timestamp, new byte[] {0x27, 1, 0, 0, 0}, size);
    }

    MediaPacket audio(long timestamp) {
        return make(MediaPacket.Kind.AUDIO, timestamp, new byte[] {(byte) 0xAF, 1}, 200);
    }

    private MediaPacket make(MediaPacket.Kind kind, long timestamp, byte[] head, int size) {
        byte[] body = new byte[Math.max(head.length, size)];
        System.arraycopy(head, 0, body, 0, head.length);
        MediaPacket p = MediaPacket.of(kind, timestamp, Unpooled.wrappedBuffer(body));
        made.add(p);
        return p;
    }

    /** Lets go of the creator's references; returns the packets somebody else still holds. */
    List<MediaPacket> releaseAndListLeaks() {
        List<MediaPacket> held = new ArrayList<>();
        for (MediaPacket p : made) {
            p.release();
            if (p.refCnt() != 0) {
                held.add(p);
            }
        }
        made.clear();
        return held;
    }
}
