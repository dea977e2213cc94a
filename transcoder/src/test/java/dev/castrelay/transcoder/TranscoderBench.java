package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.Fit;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Not a test: measures the transcode against the ffmpeg CLI doing the same work, and watches the process's resident
 * memory over repeated runs (native leaks). Run with {@code -Dcastrelay.bench=true}.
 */
@EnabledIfSystemProperty(named = "castrelay.bench", matches = "true")
class TranscoderBench {

    private static final RenditionConfig QHD = new RenditionConfig("qhd", false,
            new VideoConfig("h264", 960, 540, Fit.PAD, 30, 2_500_000, 2, "veryfast", "high"),
            new AudioConfig("aac", 128_000, 48_000, 2));

    @Test
    void speedAgainstTheCliAndMemoryOverRepeatedRuns() throws Exception {
        Path in = TestMedia.flv(640, 360, 30, 44_100, 10);
        long t0 = System.nanoTime();
        TestMedia.ffmpeg("-y", "-v", "error", "-i", in.toString(), "-vf",
                "scale=960:540:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=960:540:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=30",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "2500k",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "128k", "-ar", "48000",
                "-f", "flv", Files.createTempFile("cli", ".flv").toString());
        double cli = (System.nanoTime() - t0) / 1e9;
        System.out.printf("CLI (system ffmpeg) 640x360->960x540 veryfast, 10 s: %.2f s wall, speed %.2fx%n", cli, 10 / cli);

        List<MediaPacket> packets = TestMedia.packets(in);
        try {
            for (int run = 1; run <= Integer.getInteger("castrelay.bench.runs", 6); run++) {
                AtomicLong bytes = new AtomicLong();
                MediaListener sink = p -> bytes.addAndGet(p.size());
                long start = System.nanoTime();
                List<RenditionHealth> health;
                try (Transcoder t = new Transcoder(List.of(QHD), new SlateConfig(null, "x", 600), id -> sink, 100_000,
                        Duration.ofSeconds(60))) {
                    packets.forEach(t::onIngestPacket);
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(t::caughtUp);
                    health = t.health();
                }
                double wall = (System.nanoTime() - start) / 1e9;
                System.out.printf("run %d: transcoder %.2f s wall, speed %.2fx, %d kB out, health %s, %s%n",
                        run, wall, 10 / wall, bytes.get() / 1000, health, memory());
            }
        } finally {
            TestMedia.releaseAll(packets);
        }
    }

    @Test
    void memoryOverOneLongStream() throws Exception {
        List<MediaPacket> packets = TestMedia.packets(TestMedia.flv(640, 360, 30, 44_100, 10));
        MediaListener sink = p -> { };
        try (Transcoder t = new Transcoder(List.of(QHD), new SlateConfig(null, "x", 600), id -> sink, 100_000,
                Duration.ofSeconds(60))) {
            for (int loop = 1; loop <= Integer.getInteger("castrelay.bench.runs", 6); loop++) {
                t.onIngestStart();
                packets.forEach(t::onIngestPacket);
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(t::caughtUp);
                System.out.printf("stream minute %.1f: %s%n", loop / 6.0, memory());
            }
        } finally {
            TestMedia.releaseAll(packets);
        }
    }

    private static String memory() throws Exception {
        System.gc();
        Thread.sleep(200);
        long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20;
        long nonHeap = java.lang.management.ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted() >> 20;
        return "RSS " + rssMb() + " MB (heap committed " + heap + " MB, non-heap " + nonHeap + " MB, JavaCPP "
                + (org.bytedeco.javacpp.Pointer.totalBytes() >> 10) + " kB)";
    }

    private static long rssMb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
    }
}
