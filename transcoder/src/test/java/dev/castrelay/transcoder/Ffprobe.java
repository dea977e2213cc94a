package dev.castrelay.transcoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What {@code ffprobe} says about a file: streams, duration, packets. The real peer's view, for tests. */
final class Ffprobe {

    /** One stream's fields as ffprobe prints them ({@code codec_name}, {@code width}, {@code start_time}, ...). */
    record Stream(Map<String, String> fields) {
        String get(String key) {
            return fields.get(key);
        }

        int intValue(String key) {
            return Integer.parseInt(fields.get(key));
        }

        double doubleValue(String key) {
            return Double.parseDouble(fields.get(key));
        }
    }

    /** One packet: presentation time and whether it is a keyframe. */
    record Packet(double pts, boolean keyframe) {
    }

    private Ffprobe() {
    }

    static Stream stream(Path file, String type) throws IOException, InterruptedException {
        String out = run("ffprobe", "-v", "error", "-select_streams", type, "-show_streams", "-of",
                "default=noprint_wrappers=1", file.toString());
        Map<String, String> fields = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return new Stream(fields);
    }

    static double duration(Path file) throws IOException, InterruptedException {
        return Double.parseDouble(run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                "csv=p=0", file.toString()).trim());
    }

    static List<Packet> packets(Path file, String type) throws IOException, InterruptedException {
        String out = run("ffprobe", "-v", "error", "-select_streams", type, "-show_entries", "packet=pts_time,flags",
                "-of", "csv=p=0", file.toString());
        List<Packet> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split(",");
            if (parts.length >= 2 && !parts[0].equals("N/A")) {
                packets.add(new Packet(Double.parseDouble(parts[0]), parts[1].contains("K")));
            }
        }
        return packets;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
