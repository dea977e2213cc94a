package dev.castrelay.rtmp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/** The system ffmpeg and ffprobe, run as peers; their stderr goes to a log file that failures quote. */
final class Ffmpeg {

    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

    private Ffmpeg() {
    }

    /** Interop is not optional: a machine without the peers fails loudly rather than skipping. */
    static void requireInstalled() {
        if (!Files.isExecutable(FFMPEG) || !Files.isExecutable(FFPROBE)) {
            throw new IllegalStateException("ffmpeg and ffprobe are needed by the interop tests: "
                    + "apt-get install ffmpeg (.ci/run does)");
        }
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(FFMPEG.toString(), "-hide_banner", "-nostdin", "-y"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for the process and returns its exit code, killing it after {@code seconds}. */
    static int await(Process p, int seconds) throws InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }

    /** Runs ffmpeg to completion; fails with its log on a non-zero exit. */
    static void run(Path log, String... args) throws IOException, InterruptedException {
        int exit = await(start(log, args), 60);
        if (exit != 0) {
            throw new AssertionError("ffmpeg exited " + exit + ":\n" + Files.readString(log));
        }
    }
}
