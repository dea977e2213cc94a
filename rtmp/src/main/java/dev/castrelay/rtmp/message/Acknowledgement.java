package dev.castrelay.rtmp.message;

/** Protocol control message 3: the bytes received so far (wrapping at 2^32). */
public record Acknowledgement(long sequenceNumber) implements RtmpMessage {
}
