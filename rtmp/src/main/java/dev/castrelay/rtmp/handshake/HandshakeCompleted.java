package dev.castrelay.rtmp.handshake;

/** User event fired once the handshake is done and chunks may flow. */
public enum HandshakeCompleted {
    INSTANCE
}
