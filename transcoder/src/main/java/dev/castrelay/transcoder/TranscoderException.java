package dev.castrelay.transcoder;

import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** The transcoder layer's one exception type: an FFmpeg call failed, with what was attempted and FFmpeg's reason. */
public final class TranscoderException extends RuntimeException {

    public TranscoderException(String message) {
        super(message);
    }

    /** Returns {@code ret} when it is not an error, otherwise throws naming {@code what} and FFmpeg's reason. */
    static int check(int ret, String what) {
        if (ret < 0) {
            throw new TranscoderException(what + " failed: " + describe(ret) + " (" + ret + ")");
        }
        return ret;
    }

    /** FFmpeg's text for an AVERROR code. */
    static String describe(int errnum) {
        try (BytePointer buf = new BytePointer(256)) {
            av_strerror(errnum, buf, buf.capacity());
            return cString(buf);
        }
    }

    /** The NUL-terminated string FFmpeg wrote into {@code buf} (JavaCPP would read the whole buffer). */
    static String cString(BytePointer buf) {
        return buf.limit(BytePointer.strlen(buf)).getString();
    }
}
