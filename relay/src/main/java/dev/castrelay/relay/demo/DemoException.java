package dev.castrelay.relay.demo;

import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** An FFmpeg call of the demo's encoder failed: what was attempted and FFmpeg's reason. */
public final class DemoException extends RuntimeException {

    DemoException(String message) {
        super(message);
    }

    /** Returns {@code ret} when it is not an error, otherwise throws naming {@code what} and FFmpeg's reason. */
    static int check(int ret, String what) {
        if (ret < 0) {
            try (BytePointer buf = new BytePointer(256)) {
                av_strerror(ret, buf, buf.capacity());
                String reason = buf.limit(BytePointer.strlen(buf)).getString();
                throw new DemoException(what + " failed: " + reason + " (" + ret + ")");
            }
        }
        return ret;
    }
}
