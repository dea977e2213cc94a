package dev.castrelay.relay.demo;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.ControlConfig;
import dev.castrelay.config.Defaults;
import dev.castrelay.config.Fit;
import dev.castrelay.config.IngestConfig;
import dev.castrelay.config.Platform;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.relay.Relay;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.rtmp.Transport;
import io.netty.channel.EventLoopGroup;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code relay demo}: the whole product on one machine with no accounts. Four stand-in platforms on loopback, the
 * relay with a 16:9 rendition (youtube, facebook, x) and a 9:16 crop (instagram), and a test-pattern encoder
 * publishing to it over RTMP; at the end, what each stand-in received.
 */
public final class Demo {

    /** The four platforms and the rendition each gets. */
    private static final String[][] PLATFORMS = {
        {"youtube", "youtube", "main", "live2"},
        {"facebook", "facebook", "main", "rtmp"},
        {"instagram", "instagram", "vertical", "rtmp"},
        {"x", "twitter", "main", "x"},
    };

    private final Duration duration;
    private final PrintWriter out;
    private final BiConsumer<RelayHealth, Instant> healthView;

    public Demo(Duration duration, PrintWriter out, BiConsumer<RelayHealth, Instant> healthView) {
        this.duration = duration;
        this.out = out;
        this.healthView = healthView;
    }

    /** Runs the demo; true when every stand-in received the broadcast. */
    public boolean run() throws Exception {
        EventLoopGroup platformLoops = Transport.newGroup(1, "stand-in");
        List<StandInPlatform> platforms = new ArrayList<>();
        try {
            for (String[] p : PLATFORMS) {
                platforms.add(new StandInPlatform(p[0], p[3], platformLoops));
            }
            String ingestKey = "demo-" + UUID.randomUUID();
            RelayConfig config = config(platforms, ingestKey);
            out.printf("relay demo: %d s test pattern -> relay -> %d stand-in platforms on 127.0.0.1%n",
                    duration.toSeconds(), platforms.size());
            out.println("  (stand-ins speak plain RTMP on loopback; real facebook/instagram targets need rtmps://)");
            out.flush();
            TestPatternEncoder encoder;
            try (Relay relay = Relay.start(config)) {
                String ingestUrl = "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + ingestKey;
                encoder = new TestPatternEncoder(ingestUrl, 1280, 720, 30, duration);
                encoder.start();
                long end = System.nanoTime() + duration.toNanos();
                while (System.nanoTime() < end && encoder.failure() == null) {
                    TimeUnit.SECONDS.sleep(2);
                    healthView.accept(relay.health(), Instant.now());
                }
                encoder.close();
                TimeUnit.MILLISECONDS.sleep(1500); // let the last packets reach the stand-ins
                healthView.accept(relay.health(), Instant.now());
            }
            if (encoder.failure() != null) {
                out.println("relay demo: the test-pattern encoder failed: " + encoder.failure().getMessage());
                return false;
            }
            return summarize(platforms, encoder.framesSent());
        } finally {
            for (StandInPlatform p : platforms) {
                p.close();
            }
            platformLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private boolean summarize(List<StandInPlatform> platforms, long framesSent) {
        out.println();
        out.printf("What each platform received (the encoder sent %d video frames, %.1f s):%n", framesSent,
                framesSent / 30.0);
        out.printf(Locale.ROOT, "%-10s %-9s %9s %8s %8s %8s %8s %8s  %s%n", "PLATFORM", "SIZE", "PUBLISHES",
                "VIDEO", "KEYFR", "AUDIO", "SECONDS", "KB/S", "VERDICT");
        boolean allGood = true;
        for (StandInPlatform p : platforms) {
            StandInPlatform.Received r = p.received();
            synchronized (r) {
                double seconds = r.seconds();
                long kbps = seconds > 0 ? Math.round(r.bytes * 8 / 1000.0 / seconds) : 0;
                boolean good = r.publishes >= 1 && r.videoFrames > 0 && r.audioFrames > 0;
                allGood &= good;
                out.printf(Locale.ROOT, "%-10s %-9s %9d %8d %8d %8d %8.1f %8d  %s%n", p.name(),
                        r.width + "x" + r.height, r.publishes, r.videoFrames, r.keyframes, r.audioFrames, seconds,
                        kbps, good ? "ok" : "NOTHING RECEIVED");
            }
        }
        out.flush();
        return allGood;
    }

    private static RelayConfig config(List<StandInPlatform> platforms, String ingestKey) {
        Map<String, RenditionConfig> renditions = new LinkedHashMap<>();
        AudioConfig audio = new AudioConfig("aac", 128_000, 48_000, 2);
        renditions.put("main", new RenditionConfig("main", false,
                new VideoConfig("h264", 960, 540, Fit.CROP, 30, 2_000_000, 2, "veryfast", "high"), audio));
        renditions.put("vertical", new RenditionConfig("vertical", false,
                new VideoConfig("h264", 360, 640, Fit.CROP, 30, 1_000_000, 2, "veryfast", "high"), audio));
        List<TargetConfig> targets = new ArrayList<>();
        for (int i = 0; i < PLATFORMS.length; i++) {
            String[] p = PLATFORMS[i];
            targets.add(new TargetConfig(p[0], Platform.fromId(p[1]), platforms.get(i).url(),
                    "demo-key-" + p[0], p[2], true, null, Defaults.queue()));
        }
        return new RelayConfig(
                new IngestConfig("127.0.0.1:0", "live", ingestKey, Defaults.rtmpLimits()),
                new ControlConfig("127.0.0.1:0", UUID.randomUUID().toString(), false),
                null, new SlateConfig(null, Defaults.SLATE_TEXT, Defaults.SLATE_MAX_SECONDS), null,
                renditions, targets);
    }
}
