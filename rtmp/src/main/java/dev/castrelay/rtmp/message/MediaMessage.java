package dev.castrelay.rtmp.message;

import dev.castrelay.rtmp.media.MediaPacket;

/**
 * Audio (8), video (9) or data (18, or 15 without its AMF3 marker byte) on a message stream. The packet's timestamp
 * is the 32-bit wire timestamp here; sessions unwrap it. Owns one reference to the packet.
 */
public record MediaMessage(long streamId, MediaPacket packet) implements RtmpMessage {
}
