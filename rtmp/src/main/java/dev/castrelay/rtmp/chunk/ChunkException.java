package dev.castrelay.rtmp.chunk;

import dev.castrelay.rtmp.RtmpException;

/** The peer's chunk stream is malformed or over a limit. */
public final class ChunkException extends RtmpException {

    public ChunkException(String message) {
        super(message);
    }
}
