package dev.castrelay.rtmp.message;

/** Protocol control message 5: acknowledge after this many bytes. */
public record WindowAcknowledgementSize(long size) implements RtmpMessage {
}
