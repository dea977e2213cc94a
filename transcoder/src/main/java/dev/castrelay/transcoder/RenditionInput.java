package dev.castrelay.transcoder;

import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * What the decode thread hands a rendition thread through its encode queue. A frame item owns its AVFrame (a
 * reference to the decoder's buffers, shared with the other renditions, never a copy) until the rendition frees it.
 */
sealed interface RenditionInput {

    /** Frees what the item owns (for items dropped unprocessed). */
    default void free() {
    }

    /** A decoded picture, pts in ingest ms. */
    record VideoFrame(AVFrame frame) implements RenditionInput {
        @Override
        public void free() {
            av_frame_free(frame);
        }
    }

    /** Decoded audio, pts in ingest ms. */
    record AudioFrame(AVFrame frame) implements RenditionInput {
        @Override
        public void free() {
            av_frame_free(frame);
        }
    }

    /** A publisher (re)started: its timestamps begin a new epoch on the rendition's clock. */
    record IngestStarted() implements RenditionInput {
    }

    /** The publisher is gone: show the slate. */
    record IngestLost(String reason) implements RenditionInput {
    }
}
