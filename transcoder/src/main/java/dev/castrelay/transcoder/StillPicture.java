package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import java.util.List;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

/**
 * A JPEG of one input's latest keyframe, for the dashboard's view of an input that is not the program (a standby
 * backup is received and cached, never decoded): a decoder made for the one picture, on the caller's thread, only
 * when someone asks.
 */
public final class StillPicture {

    private StillPicture() {
    }

    /**
     * The picture of {@code packets} (a video sequence header, then a keyframe), {@value Thumbnailer#WIDTH} pixels
     * wide, or null when it does not decode. The caller keeps its references.
     */
    public static byte[] jpegOf(List<MediaPacket> packets) {
        AVFrame[] picture = new AVFrame[1];
        try (IngestDecoder decoder = new IngestDecoder(f -> {
            if (picture[0] == null) {
                picture[0] = av_frame_clone(f);
            }
        }, f -> { })) {
            packets.forEach(decoder::decode);
            decoder.drain();
            return picture[0] == null ? null : Thumbnailer.encode(picture[0]);
        } catch (RuntimeException e) {
            return null;
        } finally {
            if (picture[0] != null) {
                av_frame_free(picture[0]);
            }
        }
    }
}
