package dev.castrelay.rtmp;

import dev.castrelay.rtmp.chunk.ChunkLimits;

/**
 * Every limit an RTMP connection enforces on its peer, in one place.
 *
 * @param handshakeTimeoutMillis the handshake must be complete within this
 * @param idleTimeoutMillis      a connection that sends nothing for this long is closed
 */
public record RtmpLimits(ChunkLimits chunk, long handshakeTimeoutMillis, long idleTimeoutMillis) {

    public static final RtmpLimits DEFAULT = new RtmpLimits(ChunkLimits.DEFAULT, 10_000, 30_000);
}
