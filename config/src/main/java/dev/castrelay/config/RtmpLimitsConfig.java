package dev.castrelay.config;

/**
 * Limits applied to input from outside on RTMP connections. Every violation closes that one connection.
 *
 * @param maxChunkSize          largest Set Chunk Size a peer may announce (bytes)
 * @param maxMessageSize        largest message length a peer may announce (bytes)
 * @param maxChunkStreams       how many chunk stream ids one connection may use at once
 * @param handshakeTimeoutMs    time allowed to complete the handshake
 * @param idleTimeoutMs         time a connection may send nothing before it is closed
 * @param readIntervalMs        an ingest connection is read in one batch this often (0: whenever data arrives);
 *                              each batch reads everything that has arrived
 * @param readBufferBytes       the most one read call takes from the socket (a batch makes as many as it needs)
 * @param receiveBufferBytes    the socket's receive buffer (SO_RCVBUF), which holds what arrives between batches;
 *                              0 leaves it to the kernel's autotuning, which grows it as far as a stream needs
 * @param maxBufferedBytes      bytes of messages still arriving that one publishing connection may hold, all chunk
 *                              streams together (at least maxMessageSize)
 * @param commandBufferedBytes  the same before a publish is accepted: the command flow, not media
 * @param publishTimeoutMs      a connection must have a publish accepted within this, or it is closed
 * @param maxUnauthenticated    connections that have not published yet, in all; the oldest makes room for a new one
 * @param maxUnauthenticatedPerAddress the same from one address; the excess is closed at accept
 */
public record RtmpLimitsConfig(int maxChunkSize, int maxMessageSize, int maxChunkStreams,
                               long handshakeTimeoutMs, long idleTimeoutMs,
                               long readIntervalMs, int readBufferBytes, int receiveBufferBytes,
                               int maxBufferedBytes, int commandBufferedBytes, long publishTimeoutMs,
                               int maxUnauthenticated, int maxUnauthenticatedPerAddress) {
}
