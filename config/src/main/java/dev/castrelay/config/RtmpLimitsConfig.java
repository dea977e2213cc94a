package dev.castrelay.config;

/**
 * Limits applied to input from outside on RTMP connections. Every violation closes that one connection.
 *
 * @param maxChunkSize          largest Set Chunk Size a peer may announce (bytes)
 * @param maxMessageSize        largest message length a peer may announce (bytes)
 * @param maxChunkStreams       how many chunk stream ids one connection may use at once
 * @param handshakeTimeoutMs    time allowed to complete the handshake
 * @param idleTimeoutMs         time a connection may send nothing before it is closed
 */
public record RtmpLimitsConfig(int maxChunkSize, int maxMessageSize, int maxChunkStreams,
                               long handshakeTimeoutMs, long idleTimeoutMs) {
}
