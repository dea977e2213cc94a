package dev.castrelay.rtmp.chunk;

/**
 * Limits on what a peer may make the chunk decoder hold. Each is checked before anything is allocated.
 *
 * @param maxChunkSize    largest Set Chunk Size accepted from the peer
 * @param maxMessageSize  largest message length accepted in a chunk header
 * @param maxChunkStreams how many distinct chunk stream ids one connection may use
 */
public record ChunkLimits(int maxChunkSize, int maxMessageSize, int maxChunkStreams) {

    /** Values that fit every real encoder we know, with room: a 4K keyframe is a few MB. */
    public static final ChunkLimits DEFAULT = new ChunkLimits(65536, 16 * 1024 * 1024, 64);

    public ChunkLimits {
        if (maxChunkSize < 128 || maxMessageSize < 1 || maxChunkStreams < 1) {
            throw new IllegalArgumentException("chunk limits out of range: " + maxChunkSize + ", "
                    + maxMessageSize + ", " + maxChunkStreams);
        }
    }
}
