package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaPacket;

/**
 * Where the program goes: the stream of the active input, for the hub that feeds every rendition. Called on the
 * active input's event loop.
 */
public interface ProgramSink {

    /** An input started publishing and is the program now. */
    void onIngestStart();

    /** The next packet of the program; the caller keeps its reference. */
    void onIngestPacket(MediaPacket packet);

    /** The program's input ended. */
    void onIngestEnd();
}
