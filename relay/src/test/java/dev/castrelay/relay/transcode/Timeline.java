package dev.castrelay.relay.transcode;

import dev.castrelay.testkit.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packet timeline of a recording as ffprobe reads it ({@code -show_packets}): per stream, the decode timestamps
 * in file order, which is what a platform's player clock follows. Complements testkit's {@code Ffprobe}, which
 * summarises a file but keeps no per-packet list.
 *
 * @param video decode timestamps (s) of the video packets, in file order
 * @param audio decode timestamps (s) of the audio packets, in file order
 */
record Timeline(List<Double> video, List<Double> audio) {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    static Timeline of(Path file) {
        Processes.Result r = Processes.run(TIMEOUT, "ffprobe", "-v", "error",
                "-show_entries", "packet=codec_type,dts_time", "-of", "compact=p=0", file.toString()).requireSuccess();
        List<Double> video = new ArrayList<>();
        List<Double> audio = new ArrayList<>();
        for (String line : r.stdoutLines()) {
            Map<String, String> f = new HashMap<>();
            for (String field : line.split("\\|")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    f.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            String dts = f.get("dts_time");
            if (dts == null || dts.equals("N/A")) {
                continue;
            }
            switch (f.getOrDefault("codec_type", "")) {
                case "video" -> video.add(Double.parseDouble(dts));
                case "audio" -> audio.add(Double.parseDouble(dts));
                default -> { }
            }
        }
        return new Timeline(List.copyOf(video), List.copyOf(audio));
    }

    /** Indexes at which a stream's timestamps fail to increase strictly, as "i: a -> b" descriptions. */
    static List<String> nonIncreasing(List<Double> times) {
        List<String> bad = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) <= times.get(i - 1)) {
                bad.add(i + ": " + times.get(i - 1) + " -> " + times.get(i));
            }
        }
        return bad;
    }

    /** Steps between consecutive timestamps longer than {@code maxSeconds}, as "a -> b" descriptions. */
    static List<String> gapsLongerThan(List<Double> times, double maxSeconds) {
        List<String> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) - times.get(i - 1) > maxSeconds) {
                gaps.add(times.get(i - 1) + " -> " + times.get(i));
            }
        }
        return gaps;
    }

    /** How many of {@code times} fall in [from, to). */
    static long countBetween(List<Double> times, double from, double to) {
        return times.stream().filter(t -> t >= from && t < to).count();
    }

    /**
     * Luma variance of the picture shown at {@code seconds}: decoded by ffmpeg to raw 8-bit grey. A flat card (the
     * slate) is near 0; a test pattern is in the thousands.
     */
    static double lumaVarianceAt(Path file, double seconds) {
        Process p = Processes.start(new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-ss",
                String.format(java.util.Locale.ROOT, "%.3f", seconds), "-i", file.toString(),
                "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-").redirectError(ProcessBuilder.Redirect.DISCARD));
        try {
            p.getOutputStream().close();
            byte[] grey = p.getInputStream().readAllBytes();
            p.waitFor();
            if (grey.length == 0) {
                throw new AssertionError("ffmpeg decoded no picture at " + seconds + " s of " + file);
            }
            double sum = 0;
            double sumSq = 0;
            for (byte b : grey) {
                int v = b & 0xff;
                sum += v;
                sumSq += (double) v * v;
            }
            double mean = sum / grey.length;
            return sumSq / grey.length - mean * mean;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
