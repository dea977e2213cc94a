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
import dev.castrelay.relay.control.RelayService;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.transcoder.RenditionHealth;
import io.netty.channel.EventLoopGroup;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A platform that got less than this share of the encoder's frames failed the demo. */
    private static final double MIN_SHARE = 0.95;

    /** How long past its duration the encoder may take (connecting, a slow machine) before it is stopped. */
    private static final Duration ENCODER_GRACE = Duration.ofSeconds(10);

    private final Duration duration;
    private final boolean audioOnly;
    private final PrintWriter out;
    private final BiConsumer<RelayHealth, Instant> healthView;

    public Demo(Duration duration, PrintWriter out, BiConsumer<RelayHealth, Instant> healthView) {
        this(duration, false, out, healthView);
    }

    /** @param audioOnly the encoder sends only its tone: every platform should get the slate with that live audio */
    public Demo(Duration duration, boolean audioOnly, PrintWriter out, BiConsumer<RelayHealth, Instant> healthView) {
        this.audioOnly = audioOnly;
        this.duration = duration;
        this.out = out;
        this.healthView = healthView;
    }

    /** Runs the demo; true when every stand-in received the broadcast. */
    public boolean run() throws Exception {
        EventLoopGroup platformLoops = Transport.newGroup(1, "stand-in");
        List<StandInPlatform> platforms = new ArrayList<>();
        Path stateDir = null;
        try {
            for (String[] p : PLATFORMS) {
                platforms.add(new StandInPlatform(p[0], p[3], platformLoops));
            }
            String ingestKey = "demo-" + UUID.randomUUID();
            stateDir = Files.createTempDirectory("castrelay-demo");
            RelayConfig config = config(platforms, ingestKey, stateDir.resolve("relay-state.json"));
            out.printf("relay demo: %d s test pattern -> relay -> %d stand-in platforms on 127.0.0.1%n",
                    duration.toSeconds(), platforms.size());
            out.println("  (stand-ins speak plain RTMP on loopback; real facebook/instagram targets need rtmps://)");
            out.flush();
            TestPatternEncoder encoder;
            RelayHealth last;
            try (RelayService service = RelayService.start(config)) {
                Relay relay = service.relay();
                // The operator views work against the demo as against a real relay: the dashboard, the API and
                // relay health, with a token made for this run.
                String control = service.control().url();
                out.printf("  dashboard: %s  (token %s)%n", control, config.control().token());
                out.printf("  health:    RELAY_TOKEN=%s bin/relay health --control %s%n", config.control().token(),
                        control);
                out.flush();
                String ingestUrl = "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + ingestKey;
                encoder = new TestPatternEncoder(ingestUrl, 1280, 720, 30, duration, audioOnly);
                encoder.start();
                // The encoder ends by itself once it has sent the whole duration in real time; the deadline only
                // bounds a publish that cannot keep up.
                long end = System.nanoTime() + duration.toNanos() + ENCODER_GRACE.toNanos();
                while (!encoder.await(Duration.ofSeconds(2)) && System.nanoTime() < end) {
                    healthView.accept(relay.health(), Instant.now());
                }
                encoder.close();
                TimeUnit.MILLISECONDS.sleep(1500); // let the last packets reach the stand-ins
                last = relay.health();
                healthView.accept(last, Instant.now());
            }
            if (encoder.failure() != null) {
                out.println("relay demo: the test-pattern encoder failed: " + encoder.failure().getMessage());
                return false;
            }
            return summarize(platforms, encoder, last);
        } finally {
            deleteQuietly(stateDir);
            for (StandInPlatform p : platforms) {
                p.close();
            }
            platformLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /**
     * The verdict a platform would give: {@code ok} only for one publish carrying at least {@link #MIN_SHARE} of the
     * encoder's frames (the slate's frames are counted apart: they are the relay's, not the encoder's), with audio,
     * all of it decoding without error.
     */
    private boolean summarize(List<StandInPlatform> platforms, TestPatternEncoder encoder, RelayHealth health) {
        long sent = encoder.framesSent();
        out.println();
        out.printf(Locale.ROOT, audioOnly
                ? "What each platform received (the encoder sent only audio, %d frame slots, %.1f s at %d fps):%n"
                : "What each platform received (the encoder sent %d video frames, %.1f s at %d fps):%n",
                sent, sent / (double) encoder.fps(), encoder.fps());
        out.printf(Locale.ROOT, "%-10s %-9s %9s %8s %8s %8s %8s %8s %8s  %s%n", "PLATFORM", "SIZE", "PUBLISHES",
                "VIDEO", "SLATE", "KEYFR", "AUDIO", "SECONDS", "KB/S", "VERDICT");
        boolean allGood = true;
        for (int i = 0; i < platforms.size(); i++) {
            StandInPlatform p = platforms.get(i);
            long slate = slateFrames(health, PLATFORMS[i][2]);
            StandInPlatform.Received r = p.received();
            synchronized (r) {
                double seconds = r.seconds();
                long kbps = seconds > 0 ? Math.round(r.bytes * 8 / 1000.0 / seconds) : 0;
                long program = Math.max(0, r.videoFrames - slate);
                // Audio only: the slate is the picture, and every frame slot of the audio should have one.
                String verdict = verdict(r, audioOnly ? Math.min(slate, r.videoFrames) : program, sent);
                allGood &= verdict.equals("ok");
                out.printf(Locale.ROOT, "%-10s %-9s %9d %8d %8d %8d %8d %8.1f %8d  %s%n", p.name(),
                        r.width + "x" + r.height, r.publishes, program, Math.min(slate, r.videoFrames), r.keyframes,
                        r.audioFrames, seconds, kbps, verdict);
            }
        }
        if (!allGood) {
            out.println("relay demo: FAILED: a platform above fell short (see its verdict)");
        }
        out.flush();
        return allGood;
    }

    /** {@code ok}, or why not, in words. */
    private static String verdict(StandInPlatform.Received r, long program, long sent) {
        List<String> problems = new ArrayList<>();
        if (r.publishes == 0 || r.videoFrames == 0) {
            return "NOTHING RECEIVED";
        }
        if (r.publishes > 1) {
            problems.add(r.publishes + " publishes, expected 1 (the relay reconnected)");
        }
        if (program < Math.ceil(sent * MIN_SHARE)) {
            problems.add(String.format(Locale.ROOT, "%d of %d frames (%.0f%%, %.0f%% needed)", program, sent,
                    sent == 0 ? 0 : 100.0 * program / sent, MIN_SHARE * 100));
        }
        if (r.audioFrames == 0) {
            problems.add("no audio");
        }
        long errors = r.decodeErrors();
        if (errors > 0) {
            problems.add(errors + " payloads did not decode");
        }
        long pictures = r.picturesDecoded();
        if (pictures < r.videoFrames - errors) {
            problems.add(pictures + " of " + r.videoFrames + " frames decoded");
        }
        return problems.isEmpty() ? "ok" : "FAILED: " + String.join("; ", problems);
    }

    private static long slateFrames(RelayHealth health, String rendition) {
        return health.renditions().stream().filter(r -> r.id().equals(rendition))
                .mapToLong(RenditionHealth::slateFrames).sum();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory: the system cleans it up in the end
        }
    }

    private static RelayConfig config(List<StandInPlatform> platforms, String ingestKey, Path stateFile) {
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
                stateFile.toString(), new SlateConfig(null, Defaults.SLATE_TEXT, Defaults.SLATE_MAX_SECONDS), null,
                renditions, targets);
    }
}
