package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A rendition's output as a target would see it: writes every packet to an FLV file (for ffprobe) and remembers
 * what came (for timing checks). Called on the rendition thread, read by the test thread.
 */
final class FlvRecorder implements MediaListener {

    /** One received tag. */
    record Tag(MediaPacket.Kind kind, long timestamp, boolean keyframe, boolean sequenceHeader, int size) {
    }

    private final Path file;
    private final OutputStream out;
    private final List<Tag> tags = new ArrayList<>();
    private int streamEnds;

    FlvRecorder(Path file) {
        this.file = file;
        try {
            out = new BufferedOutputStream(Files.newOutputStream(file));
            out.write(new byte[] {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void onPacket(MediaPacket p) {
        tags.add(new Tag(p.kind(), p.timestamp(), p.isKeyframe(), p.isSequenceHeader(), p.size()));
        int size = p.size();
        long ts = p.timestamp();
        byte[] body = new byte[size];
        p.payload().getBytes(p.payload().readerIndex(), body);
        try {
            out.write(new byte[] {(byte) p.kind().messageType(), (byte) (size >> 16), (byte) (size >> 8), (byte) size,
                    (byte) (ts >> 16), (byte) (ts >> 8), (byte) ts, (byte) (ts >> 24), 0, 0, 0});
            out.write(body);
            int prev = size + 11;
            out.write(new byte[] {(byte) (prev >> 24), (byte) (prev >> 16), (byte) (prev >> 8), (byte) prev});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void onStreamEnd() {
        streamEnds++;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized List<Tag> tags() {
        return List.copyOf(tags);
    }

    synchronized int streamEnds() {
        return streamEnds;
    }

    synchronized long videoFrames() {
        return tags.stream().filter(t -> t.kind() == MediaPacket.Kind.VIDEO && !t.sequenceHeader()).count();
    }

    /** Flushes and closes the file. */
    synchronized void close() throws IOException {
        out.close();
    }
}
