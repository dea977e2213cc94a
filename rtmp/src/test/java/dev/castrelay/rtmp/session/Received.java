package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBufUtil;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A server-side {@link MediaListener} that keeps a copy of every packet (it retains none), for assertions. */
public final class Received implements MediaListener {

    /** One delivered packet, by value. */
    public record Packet(MediaPacket.Kind kind, long timestamp, boolean keyframe, boolean sequenceHeader,
                         int videoCodec, int soundFormat, byte[] payload) {

        public String payloadHex() {
            return ByteBufUtil.hexDump(payload);
        }
    }

    public final List<Packet> packets = new CopyOnWriteArrayList<>();
    public final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public void onPacket(MediaPacket p) {
        packets.add(new Packet(p.kind(), p.timestamp(), p.isKeyframe(), p.isSequenceHeader(), p.videoCodecId(),
                p.soundFormat(), ByteBufUtil.getBytes(p.payload())));
    }

    @Override
    public void onStreamEnd() {
        ended.set(true);
    }

    public List<Packet> of(MediaPacket.Kind kind) {
        return packets.stream().filter(p -> p.kind() == kind).toList();
    }
}
