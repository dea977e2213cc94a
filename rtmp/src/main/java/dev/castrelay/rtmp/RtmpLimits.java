package dev.castrelay.rtmp;

import dev.castrelay.config.Defaults;
import dev.castrelay.rtmp.chunk.ChunkLimits;

/**
 * Every limit an RTMP connection enforces on its peer, in one place.
 *
 * @param handshakeTimeoutMillis the handshake must be complete within this
 * @param idleTimeoutMillis      a connection that sends nothing for this long is closed
 */
public record RtmpLimits(ChunkLimits chunk, long handshakeTimeoutMillis, long idleTimeoutMillis) {

    /** {@code relay.yaml}'s defaults ({@link Defaults}). */
    public static final RtmpLimits DEFAULT = new RtmpLimits(ChunkLimits.DEFAULT, Defaults.RTMP_HANDSHAKE_TIMEOUT_MS,
            Defaults.RTMP_IDLE_TIMEOUT_MS);
}
