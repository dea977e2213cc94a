package dev.castrelay.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inspects media files with the ffprobe and ffmpeg CLIs, so tests check what a platform actually
 * received. Output formats are ffprobe's line-based ones ({@code default}, {@code compact}), parsed
 * by hand so the testkit needs no JSON library.
 */
public final class Ffprobe {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private Ffprobe() {
    }

    /** Streams, duration and per-packet facts of {@code file}. */
    public static MediaInfo probe(Path file) {
        requireFile(file);
        List<Map<String, String>> streams = new ArrayList<>();
        Map<String, String> format = new HashMap<>();
        readSections(file, streams, format);
        Map<String, String> videoStream = first(streams, "video");
        Map<String, String> audioStream = first(streams, "audio");
        Packets packets = readPackets(file, index(videoStream), index(audioStream));
        MediaInfo.Video video = videoStream == null ? null : new MediaInfo.Video(
                videoStream.get("codec_name"),
                integer(videoStream.get("width")),
                integer(videoStream.get("height")),
                rational(videoStream.get("avg_frame_rate")),
                packets.videoCount,
                packets.keyframes.stream().sorted().toList(),
                packets.firstVideoPts);
        MediaInfo.Audio audio = audioStream == null ? null : new MediaInfo.Audio(
                audioStream.get("codec_name"),
                integer(audioStream.get("sample_rate")),
                integer(audioStream.get("channels")),
                packets.audioCount,
                packets.firstAudioPts);
        return new MediaInfo(decimal(format.get("duration")), video, audio);
    }

    /**
     * What a full decode of {@code file} complains about ({@code ffmpeg -v error -i F -f null -}):
     * one entry per line, empty when the file decodes cleanly.
     */
    public static List<String> decodeErrors(Path file) {
        requireFile(file);
        Processes.Result result = Processes.run(TIMEOUT,
                "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", file.toString(), "-f", "null", "-");
        List<String> errors = new ArrayList<>();
        for (String line : result.stderr().split("\\R")) {
            if (!line.isBlank()) {
                errors.add(line);
            }
        }
        if (result.exitCode() != 0 && errors.isEmpty()) {
            errors.add("ffmpeg exited " + result.exitCode() + " without a message");
        }
        return errors;
    }

    private static void readSections(Path file, List<Map<String, String>> streams, Map<String, String> format) {
        // default writer with wrappers: "[STREAM]", "key=value" lines, "[/STREAM]", then "[FORMAT]"...
        Processes.Result result = Processes.run(TIMEOUT, "ffprobe", "-v", "error",
                "-show_entries", "format=duration:stream=index,codec_type,codec_name,width,height,avg_frame_rate,"
                        + "sample_rate,channels",
                "-of", "default", file.toString()).requireSuccess();
        Map<String, String> current = null;
        for (String line : result.stdoutLines()) {
            switch (line) {
                case "[STREAM]" -> current = new HashMap<>();
                case "[FORMAT]" -> current = format;
                case "[/STREAM]" -> {
                    streams.add(current);
                    current = null;
                }
                case "[/FORMAT]" -> current = null;
                default -> putKeyValue(current, line);
            }
        }
    }

    private static Packets readPackets(Path file, int videoIndex, int audioIndex) {
        // compact writer: "stream_index=0|pts_time=0.023000|dts_time=0.023000|flags=K_", one packet per line.
        Processes.Result result = Processes.run(TIMEOUT, "ffprobe", "-v", "error",
                "-show_entries", "packet=stream_index,pts_time,dts_time,flags",
                "-of", "compact=p=0", file.toString()).requireSuccess();
        Packets packets = new Packets();
        for (String line : result.stdoutLines()) {
            Map<String, String> fields = new HashMap<>();
            for (String field : line.split("\\|")) {
                putKeyValue(fields, field);
            }
            if (!fields.containsKey("stream_index")) {
                continue;
            }
            int stream = integer(fields.get("stream_index"));
            // pts is N/A for some muxers' packets; for FLV without B-frames dts is the same instant.
            String time = fields.get("pts_time");
            double pts = decimal("N/A".equals(time) ? fields.get("dts_time") : time);
            if (stream == videoIndex) {
                packets.video(pts, fields.getOrDefault("flags", "").startsWith("K"));
            } else if (stream == audioIndex) {
                packets.audio(pts);
            }
        }
        return packets;
    }

    /** Accumulates per-packet facts while reading ffprobe's packet list. */
    private static final class Packets {
        int videoCount;
        int audioCount;
        double firstVideoPts = Double.NaN;
        double firstAudioPts = Double.NaN;
        final List<Double> keyframes = new ArrayList<>();

        void video(double pts, boolean keyframe) {
            if (videoCount++ == 0) {
                firstVideoPts = pts;
            }
            if (keyframe) {
                keyframes.add(pts);
            }
        }

        void audio(double pts) {
            if (audioCount++ == 0) {
                firstAudioPts = pts;
            }
        }
    }

    private static void putKeyValue(Map<String, String> target, String line) {
        int eq = line.indexOf('=');
        if (target != null && eq > 0) {
            target.put(line.substring(0, eq), line.substring(eq + 1));
        }
    }

    private static Map<String, String> first(List<Map<String, String>> streams, String type) {
        return streams.stream().filter(s -> type.equals(s.get("codec_type"))).findFirst().orElse(null);
    }

    private static int index(Map<String, String> stream) {
        return stream == null ? -1 : integer(stream.get("index"));
    }

    private static int integer(String value) {
        return value == null || value.equals("N/A") ? 0 : Integer.parseInt(value.trim());
    }

    private static double decimal(String value) {
        return value == null || value.equals("N/A") ? Double.NaN : Double.parseDouble(value.trim());
    }

    /** "30/1" or "1000/33" as a number; "0/0" (unknown) as 0. */
    private static double rational(String value) {
        if (value == null || !value.contains("/")) {
            return decimal(value);
        }
        String[] parts = value.split("/");
        double denominator = Double.parseDouble(parts[1]);
        return denominator == 0 ? 0 : Double.parseDouble(parts[0]) / denominator;
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PeerException("no media file at " + file);
        }
    }
}
