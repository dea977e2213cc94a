package dev.castrelay.rtmp.handshake;

import dev.castrelay.rtmp.RtmpException;

/** The peer's handshake is not RTMP, or did not finish in time. */
public final class HandshakeException extends RtmpException {

    public HandshakeException(String message) {
        super(message);
    }
}
