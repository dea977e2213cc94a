package dev.castrelay.relay.transcode;

import dev.castrelay.testkit.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
     * How much the picture changes between {@code a} and {@code b} seconds: the mean absolute difference of their luma
     * (0-255). A still card (the slate, whatever its text) stays near 0; the moving test pattern does not.
     */
    static double lumaChange(Path file, double a, double b) {
        byte[] x = grey(file, a);
        byte[] y = grey(file, b);
        if (x.length != y.length) {
            throw new AssertionError("pictures at " + a + " s and " + b + " s differ in size in " + file);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        }
        return sum / x.length;
    }

    /** The picture shown at {@code seconds}, decoded by ffmpeg to raw 8-bit grey. */
    private static byte[] grey(Path file, double seconds) {
        Process p = Processes.start(new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-ss",
                String.format(Locale.ROOT, "%.3f", seconds), "-i", file.toString(),
                "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-").redirectError(ProcessBuilder.Redirect.DISCARD));
        try {
            p.getOutputStream().close();
            byte[] grey = p.getInputStream().readAllBytes();
            p.waitFor();
            if (grey.length == 0) {
                throw new AssertionError("ffmpeg decoded no picture at " + seconds + " s of " + file);
            }
            return grey;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
