package dev.castrelay.testkit;

import org.bytedeco.javacpp.Loader;

import java.nio.file.Path;

/**
 * FFmpeg 7.1's {@code ffmpeg} program, the one inside bytedeco's natives jar (extracted with its libraries on first
 * use): it publishes HEVC, AV1 and VP9 over Enhanced RTMP, which Debian's FFmpeg 5.1 cannot. An encoder as OBS 30+
 * is one when a user picks HEVC or AV1.
 */
public final class Ffmpeg71 {

    private static Path program;

    private Ffmpeg71() {
    }

    /** The extracted program's path. */
    public static synchronized Path program() {
        if (program == null) {
            program = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
        }
        return program;
    }
}
