package dev.castrelay.rtmp.chunk;

import dev.castrelay.config.Defaults;

/**
 * Limits on what a peer may make the chunk decoder hold. Each is checked before anything is allocated, and what is
 * held follows what the peer has sent, never what it announced.
 *
 * @param maxChunkSize        largest Set Chunk Size accepted from the peer
 * @param maxMessageSize      largest message length accepted in a chunk header
 * @param maxChunkStreams     how many distinct chunk stream ids one connection may use
 * @param maxBufferedBytes    bytes of messages still arriving one connection may hold, all chunk streams together,
 *                            once it may send media (see {@link ChunkDecoder#allowMedia()})
 * @param commandBufferedBytes the same before that: enough for the command flow (connect, publish), not for media
 */
public record ChunkLimits(int maxChunkSize, int maxMessageSize, int maxChunkStreams, int maxBufferedBytes,
                          int commandBufferedBytes) {

    /** {@code relay.yaml}'s defaults ({@link Defaults}), for every connection, incoming or outgoing. */
    public static final ChunkLimits DEFAULT = new ChunkLimits(Defaults.RTMP_MAX_CHUNK_SIZE,
            Defaults.RTMP_MAX_MESSAGE_SIZE, Defaults.RTMP_MAX_CHUNK_STREAMS, Defaults.RTMP_MAX_BUFFERED_BYTES,
            Defaults.RTMP_COMMAND_BUFFERED_BYTES);

    public ChunkLimits {
        if (maxChunkSize < 128 || maxMessageSize < 1 || maxChunkStreams < 1 || maxBufferedBytes < 1
                || commandBufferedBytes < 1) {
            throw new IllegalArgumentException("chunk limits out of range: " + maxChunkSize + ", "
                    + maxMessageSize + ", " + maxChunkStreams + ", " + maxBufferedBytes + ", " + commandBufferedBytes);
        }
    }
}
