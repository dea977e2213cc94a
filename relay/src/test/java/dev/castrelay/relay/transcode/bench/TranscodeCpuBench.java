package dev.castrelay.relay.transcode.bench;

import dev.castrelay.relay.transcode.TranscodeConfig;
import dev.castrelay.testkit.CpuTime;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whole-process CPU per media second of one 960x540 rendition fanned out to N nginx-rtmp targets, three ways on the
 * same input: (a) the relay ({@code bin/relay run}), (b) one ffmpeg decoding and encoding once with {@code -f tee},
 * (c) N ffmpeg processes each doing the whole job. Not a test; run by {@code bench/transcode.sh}.
 *
 * <p>Input: a 1280x720 30 fps ~4 Mb/s H.264/AAC FLV made once, then sent in real time ({@code ffmpeg -re -c copy}).
 * For (a) it is published straight to the relay's ingest; for (b) and (c) to an nginx-rtmp "source" that the
 * consumers pull from. CPU is measured from 5 s after the publish starts to 5 s before it ends (startup, JIT warm-up
 * and encoder flush excluded), and divided by the media seconds processed in that window: wall seconds for the relay
 * (real time, checked afterwards from the recordings), ffmpeg's own {@code -progress out_time} for the ffmpegs, so a
 * process that falls behind real time is not flattered.
 */
public final class TranscodeCpuBench {

    static final String FFMPEG_VIDEO = "scale=960:540:force_original_aspect_ratio=increase:force_divisible_by=2"
            + ":flags=bicubic,crop=960:540,setsar=1,format=yuv420p";
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final int seconds;
    private final Path relayLauncher;
    private final Path work;
    private final Path input;

    private TranscodeCpuBench(int seconds, Path relayLauncher, Path work) {
        this.seconds = seconds;
        this.relayLauncher = relayLauncher;
        this.work = work;
        this.input = work.resolve("input-1280x720.flv");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int seconds = Integer.parseInt(opts.getOrDefault("duration", "60"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        List<Integer> counts = Arrays.stream(opts.getOrDefault("targets", "1,4,8").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Path relay = Path.of(opts.getOrDefault("relay", "bin/relay")).toAbsolutePath();
        Path work = Files.createTempDirectory("castrelay-bench-");
        TranscodeCpuBench bench = new TranscodeCpuBench(seconds, relay, work);
        bench.makeInput();
        Map<String, List<Double>> results = new java.util.TreeMap<>();
        for (int run = 1; run <= runs; run++) {
            for (int n : counts) {
                for (String way : List.of("relay", "tee", "separate")) {
                    double cpu = switch (way) {
                        case "relay" -> bench.relay(n);
                        case "tee" -> bench.ffmpeg(n, true);
                        default -> bench.ffmpeg(n, false);
                    };
                    System.out.printf(Locale.ROOT, "run %d  N=%d  %-8s  %.3f CPU s / media s%n", run, n, way, cpu);
                    results.computeIfAbsent(way + "@" + n, k -> new ArrayList<>()).add(cpu);
                }
            }
        }
        report(results, counts, runs);
    }

    private static void report(Map<String, List<Double>> results, List<Integer> counts, int runs) {
        System.out.printf(Locale.ROOT, "%nMedians over %d run(s): CPU seconds per media second (1.0 = one core)%n", runs);
        System.out.println("| targets | relay | ffmpeg tee | N x ffmpeg | relay / tee | relay / separate |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int n : counts) {
            double r = median(results.get("relay@" + n));
            double t = median(results.get("tee@" + n));
            double s = median(results.get("separate@" + n));
            System.out.printf(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.2fx | %.2fx |%n", n, r, t, s, r / t, r / s);
        }
        if (counts.contains(1) && counts.contains(8)) {
            for (String way : List.of("relay", "tee", "separate")) {
                double perExtra = (median(results.get(way + "@8")) - median(results.get(way + "@1"))) / 7;
                System.out.printf(Locale.ROOT, "per extra target (%s): %.2f%% of one core%n", way, perExtra * 100);
            }
        }
        results.forEach((k, v) -> System.out.printf(Locale.ROOT, "raw %s %s%n", k,
                v.stream().map(d -> String.format(Locale.ROOT, "%.3f", d)).collect(Collectors.joining(" "))));
    }

    private void makeInput() {
        System.out.printf("making %d s of 1280x720 30 fps ~4 Mb/s input in %s%n", seconds, input);
        FfmpegPublisher.builder().size(1280, 720).fps(30).videoBitrateKbps(4000).gopSeconds(2)
                .duration(Duration.ofSeconds(seconds)).writeFlv(input);
    }

    /** (a): the relay as users run it, fed straight by the real-time publisher. */
    private double relay(int n) throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            int ingestPort = FreePorts.next();
            TranscodeConfig config = TranscodeConfig.ingestKey("bench").ingestListen("127.0.0.1:" + ingestPort)
                    .controlListen("127.0.0.1:" + FreePorts.next())
                    .rendition("main", "width: 960, height: 540, fps: 30, bitrate: 1500k, keyframeSeconds: 2, "
                            + "preset: veryfast, profile: high");
            for (int i = 1; i <= n; i++) {
                config.target("t" + i, "main", sink.url(), "k" + i);
            }
            Path yaml = work.resolve("relay-" + n + ".yaml");
            Files.writeString(yaml, config.yaml());
            Path log = work.resolve("relay-" + n + ".log");
            Process relay = new ProcessBuilder(relayLauncher.toString(), "run", "--config", yaml.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                awaitPort(ingestPort, relay, log);
                Process publisher = publish("rtmp://127.0.0.1:" + ingestPort + "/live/bench");
                Thread.sleep(SETTLE.toMillis());
                double cpu0 = CpuTime.of(relay.pid());
                Map<String, Double> threads0 = threadCpu(relay.pid());
                long t0 = System.nanoTime();
                Thread.sleep((seconds - 2 * SETTLE.toSeconds()) * 1000L);
                double cpu = CpuTime.of(relay.pid()) - cpu0;
                double wall = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> threads = threadCpu(relay.pid());
                printTopThreads(threads0, threads, wall);
                publisher.waitFor();
                return cpu / wall;
            } finally {
                relay.destroy(); // SIGTERM: the relay unpublishes its targets and exits
                relay.waitFor();
                Files.copy(log, work.resolve("last-relay.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                printRecordings(sink, n);
            }
        }
    }

    /** The check that the relay kept real time: every target's recording as long as the input. */
    private void printRecordings(NginxRtmpSink sink, int n) {
        sink.awaitPublishSessions(n, Duration.ofSeconds(10));
        String durations = sink.recordings().stream()
                .map(f -> String.format(Locale.ROOT, "%.1f", Ffprobe.probe(f).durationSeconds()))
                .collect(Collectors.joining(" "));
        System.out.println("  relay recordings (s, input " + seconds + " s): " + durations);
    }

    /** (b) one ffmpeg with {@code -f tee}, or (c) n ffmpegs, pulling the input from an nginx-rtmp source. */
    private double ffmpeg(int n, boolean tee) throws Exception {
        try (NginxRtmpSink source = NginxRtmpSink.builder().application("src").start();
             NginxRtmpSink sink = NginxRtmpSink.start()) {
            List<Process> consumers = new ArrayList<>();
            List<Path> progress = new ArrayList<>();
            String in = source.streamUrl("in");
            if (tee) {
                String outputs = java.util.stream.IntStream.rangeClosed(1, n)
                        .mapToObj(i -> "[f=flv:onfail=ignore]" + sink.streamUrl("k" + i)).collect(Collectors.joining("|"));
                Path p = work.resolve("progress-tee.txt");
                consumers.add(startConsumer(in, List.of("-f", "tee", outputs), p));
                progress.add(p);
            } else {
                for (int i = 1; i <= n; i++) {
                    Path p = work.resolve("progress-" + i + ".txt");
                    consumers.add(startConsumer(in, List.of("-f", "flv", sink.streamUrl("k" + i)), p));
                    progress.add(p);
                }
            }
            Process publisher = publish(in);
            Thread.sleep(SETTLE.toMillis());
            double cpu0 = consumers.stream().mapToDouble(p -> CpuTime.of(p.pid())).sum();
            double media0 = progress.stream().mapToDouble(TranscodeCpuBench::outTime).sum();
            Thread.sleep((seconds - 2 * SETTLE.toSeconds()) * 1000L);
            double cpu = consumers.stream().mapToDouble(p -> CpuTime.of(p.pid())).sum() - cpu0;
            double media = progress.stream().mapToDouble(TranscodeCpuBench::outTime).sum() - media0;
            publisher.waitFor();
            // One shared deadline: consumers that fell behind real time (N x ffmpeg on few cores) are not waited out.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (Process c : consumers) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    Processes.destroyTree(c.toHandle(), Duration.ofSeconds(2));
                }
            }
            // media is summed over the processes, each of which produced one stream: per process, CPU per media second.
            return cpu / (media / consumers.size());
        }
    }

    private Process startConsumer(String in, List<String> output, Path progress) throws IOException {
        Files.deleteIfExists(progress);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error",
                "-progress", progress.toString(), "-i", in, "-map", "0:v", "-map", "0:a",
                "-vf", FFMPEG_VIDEO, "-r", "30",
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
                "-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "1500k",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-x264-params", "scenecut=0:open-gop=0",
                "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-flags", "+global_header"));
        cmd.addAll(output);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("consumer-" + progress.getFileName() + ".log").toFile()).start();
    }

    private Process publish(String url) throws IOException {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error",
                "-re", "-i", input.toString(), "-c", "copy", "-f", "flv", url)
                .redirectErrorStream(true).redirectOutput(work.resolve("publisher.log").toFile()).start();
    }

    /** The last {@code out_time_us} ffmpeg wrote to its progress file, in seconds. */
    private static double outTime(Path progress) {
        try {
            if (!Files.exists(progress)) {
                return 0;
            }
            double last = 0;
            for (String line : Files.readAllLines(progress)) {
                if (line.startsWith("out_time_us=") && !line.endsWith("N/A")) {
                    last = Long.parseLong(line.substring("out_time_us=".length()).trim()) / 1e6;
                }
            }
            return last;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitPort(int port, Process relay, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Processes.accepts(port)) {
            if (!relay.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("relay did not start; log:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** CPU seconds per thread name (threads of one name summed), from /proc/PID/task/TID/stat. */
    static Map<String, Double> threadCpu(long pid) throws IOException {
        Map<String, Double> byName = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+$", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    byName.merge(name, cpu, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended between listing and reading.
                }
            }
        }
        return byName;
    }

    private static void printTopThreads(Map<String, Double> before, Map<String, Double> after, double wall) {
        String top = after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() > 0.005 * wall)
                .sorted(Comparator.comparing(Map.Entry<String, Double>::getValue).reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), 100 * e.getValue() / wall))
                .collect(Collectors.joining(", "));
        System.out.println("  relay threads (% of one core): " + top);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }
}
