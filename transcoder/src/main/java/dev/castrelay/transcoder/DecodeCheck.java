package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;

/**
 * Decodes a received stream only to tell whether it decodes: how many pictures came out and how many payloads
 * the decoders refused. The demo's stand-in platforms use it to judge what they got the way a platform would.
 *
 * <p>Not thread-safe: one owner at a time.
 */
public final class DecodeCheck implements AutoCloseable {

    private long pictures;
    private final IngestDecoder decoder = new IngestDecoder(frame -> pictures++, frame -> { });

    public void accept(MediaPacket packet) {
        decoder.decode(packet);
    }

    /** Pictures decoded so far, the ones the decoder still held included once {@link #finish()} ran. */
    public long pictures() {
        return pictures;
    }

    /** Payloads that did not decode. */
    public long errors() {
        return decoder.errors();
    }

    /** Takes out the pictures the decoder still holds (reordering, threads): the stream has ended. */
    public void finish() {
        decoder.drain();
    }

    @Override
    public void close() {
        decoder.close();
    }
}
