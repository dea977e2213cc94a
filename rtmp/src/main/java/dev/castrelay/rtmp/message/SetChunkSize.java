package dev.castrelay.rtmp.message;

/** Protocol control message 1: the sender's chunk size from now on. */
public record SetChunkSize(int chunkSize) implements RtmpMessage {
}
