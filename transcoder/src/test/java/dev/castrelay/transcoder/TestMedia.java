package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.Fit;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.testkit.FlvFile;
import dev.castrelay.testkit.Processes;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test inputs made with the ffmpeg CLI (cached under target/), renditions, and a real-time-ish feeder. */
final class TestMedia {

    private static final Path DIR = Path.of("target", "test-media");
    private static final Duration FFMPEG_TIMEOUT = Duration.ofMinutes(2);

    private TestMedia() {
    }

    /** An FLV of testsrc2 + a sine, H.264 (keyframe every 2 s) and AAC, as an encoder like OBS would send. */
    static Path flv(int width, int height, int fps, int sampleRate, int seconds) throws IOException {
        Files.createDirectories(DIR);
        Path file = DIR.resolve("in-" + width + "x" + height + "-" + fps + "-" + sampleRate + "-" + seconds + ".flv");
        if (!Files.exists(file)) {
            Path tmp = DIR.resolve(file.getFileName() + ".tmp.flv");
            ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height
                            + ":rate=" + fps, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + sampleRate,
                    "-t", String.valueOf(seconds), "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", String.valueOf(2 * fps), "-c:a", "aac", "-ac", "2", "-f", "flv", tmp.toString());
            Files.move(tmp, file);
        }
        return file;
    }

    /** Runs the ffmpeg CLI to completion; fails with its error output unless it exits 0. */
    static void ffmpeg(String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg"));
        command.addAll(List.of(args));
        Processes.run(FFMPEG_TIMEOUT, command).requireSuccess();
    }

    /** Every tag of an FLV file as a packet, in file order; the caller owns (and releases) each. */
    static List<MediaPacket> packets(Path flv) {
        List<MediaPacket> packets = new ArrayList<>();
        for (FlvFile.Tag tag : FlvFile.read(flv)) {
            packets.add(MediaPacket.of(MediaPacket.Kind.ofMessageType(tag.type()), tag.timestamp(),
                    Unpooled.wrappedBuffer(tag.body())));
        }
        return packets;
    }

    static RenditionConfig rendition(String id, int width, int height, Fit fit, double fps, double keyframeSeconds) {
        return new RenditionConfig(id, false,
                new VideoConfig("h264", width, height, fit, fps, 600_000, keyframeSeconds, "veryfast", "high"),
                new AudioConfig("aac", 96_000, 44_100, 2));
    }

    /**
     * Feeds packets as an RTMP ingest would deliver them, {@code speed} times faster than real time, from the
     * caller's thread (standing in for the event loop). The caller keeps ownership of the packets.
     */
    static void feed(Transcoder transcoder, List<MediaPacket> packets, double speed) throws InterruptedException {
        long start = System.nanoTime();
        long first = packets.stream().filter(p -> !p.isData()).mapToLong(MediaPacket::timestamp).findFirst().orElse(0);
        for (MediaPacket p : packets) {
            long due = start + (long) ((p.timestamp() - first) * 1_000_000 / speed);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            transcoder.onIngestPacket(p);
        }
    }

    static void releaseAll(List<MediaPacket> packets) {
        packets.forEach(MediaPacket::release);
    }
}
