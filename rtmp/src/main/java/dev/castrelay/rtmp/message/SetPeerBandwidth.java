package dev.castrelay.rtmp.message;

/** Protocol control message 6: the peer's output bandwidth limit; {@code limitType} 0 hard, 1 soft, 2 dynamic. */
public record SetPeerBandwidth(long size, int limitType) implements RtmpMessage {

    public static final int DYNAMIC = 2;
}
