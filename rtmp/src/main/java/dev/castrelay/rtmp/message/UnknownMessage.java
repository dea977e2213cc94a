package dev.castrelay.rtmp.message;

/** A message type we do not act on (aggregate, shared object, AMF3 data we cannot read); its payload is dropped. */
public record UnknownMessage(int typeId, long streamId, int length) implements RtmpMessage {
}
