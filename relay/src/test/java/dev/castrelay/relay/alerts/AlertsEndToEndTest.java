package dev.castrelay.relay.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.relay.Relay;
import dev.castrelay.relay.cli.HealthTable;
import dev.castrelay.relay.control.RelayMetrics;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.chunk.ChunkLimits;
import dev.castrelay.targets.PusherSettings;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffmpeg publishes 14 s to the relay, which pushes to two nginx-rtmp platforms; one is killed at 5 s and never
 * comes back. Four alert endpoints watch: a JSON one and a Slack one that answer, one that hangs (accepts, never
 * answers) and one that refuses (nothing listens). The scenario runs once; each test asserts one behaviour of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsEndToEndTest {

    private static final Duration STREAM = Duration.ofSeconds(14);
    private static final long KILL_AT_MILLIS = 5_000;
    private static final String INGEST_KEY = "ingest-key-Hh71q";
    private static final String TOKEN = "alerts-token-Pz03";
    private static final String STEADY_KEY = "sk_steady_Wq55r";
    private static final String DOOMED_KEY = "sk_doomed_Jx20v";
    /** Answers within 1 s, retries from 200 ms to 1 s, one alert queued per endpoint: the bound shows at once. */
    private static final AlertSettings SETTINGS = new AlertSettings(250, 1_000, 200, 1_000, 1, 0);
    private static final PusherSettings PUSHERS = new PusherSettings(4_000, 64L << 20, 5_000, 500, 4_000, 4_000,
            60_000, 3, new RtmpLimits(ChunkLimits.DEFAULT, 5_000, 30_000));

    @TempDir
    static Path dir;

    private NginxRtmpSink steady;
    private NginxRtmpSink doomed;
    private WebhookReceiver json;
    private WebhookReceiver slack;
    private WebhookReceiver hanging;
    private int refusedPort;
    private long killedAt;
    private long sourceFrames;
    private long steadyFrames;
    private final List<String> healthTables = new ArrayList<>();
    private final List<String> scrapes = new ArrayList<>();
    private List<AlertHealth> finalAlerts;

    @BeforeAll
    void streamWhileAPlatformDiesAndTwoEndpointsMisbehave() throws Exception {
        steady = NginxRtmpSink.start();
        doomed = NginxRtmpSink.start();
        json = WebhookReceiver.start();
        slack = WebhookReceiver.start();
        hanging = WebhookReceiver.start();
        hanging.hang();
        refusedPort = FreePorts.next();
        ScheduledExecutorService director = Executors.newSingleThreadScheduledExecutor();
        try (Relay relay = Relay.start(config(), PUSHERS, SETTINGS)) {
            RelayMetrics metrics = new RelayMetrics(relay);
            long start = System.nanoTime();
            director.schedule(() -> {
                killedAt = (System.nanoTime() - start) / 1_000_000;
                doomed.kill();
            }, KILL_AT_MILLIS, TimeUnit.MILLISECONDS);
            director.scheduleAtFixedRate(() -> {
                synchronized (scrapes) {
                    scrapes.add(metrics.scrape());
                }
            }, 500, 500, TimeUnit.MILLISECONDS);
            try (FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(STREAM)
                    .publish("rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + INGEST_KEY)) {
                assertThat(ffmpeg.awaitExit(STREAM.plusSeconds(30))).as(ffmpeg.stderrTail()).isZero();
            }
            json.awaitBody(b -> b.contains("\"ingest.lost\""), Duration.ofSeconds(10));
            slack.awaitBody(b -> b.contains("ingest.lost"), Duration.ofSeconds(10));
            // A few more readings: nothing else may come.
            Thread.sleep(2_000);
            director.shutdownNow();
            director.awaitTermination(5, TimeUnit.SECONDS);
            healthTables.add(HealthTable.render(relay.health(), false, Instant.now()));
            synchronized (scrapes) {
                scrapes.add(metrics.scrape());
            }
            finalAlerts = relay.health().alerts();
            metrics.close();
        } finally {
            director.shutdownNow();
        }
        steady.awaitPublishSessions(1, Duration.ofSeconds(20));
        sourceFrames = Ffprobe.probe(FfmpegPublisher.builder().duration(STREAM).writeFlv(dir.resolve("source.flv")))
                .video().frames();
        steadyFrames = Ffprobe.probe(steady.recordings().get(0)).video().frames();
    }

    private RelayConfig config() {
        String yaml = "ingest: { listen: 127.0.0.1:0, app: live, streamKey: " + INGEST_KEY + " }\n"
                + "control: { listen: 127.0.0.1:0, token: " + TOKEN + " }\n"
                + "stateFile: " + dir.resolve("relay-state.json") + "\n"
                + "renditions:\n  source: { passthrough: true }\n"
                + "alerts:\n"
                + "  - { url: \"" + json.url("/hooks/relay?channel=ops") + "\", format: json, downSeconds: 3 }\n"
                + "  - { url: \"" + hanging.url("/hang") + "\", downSeconds: 3 }\n"
                + "  - { url: \"http://127.0.0.1:" + refusedPort + "/refused\", downSeconds: 3 }\n"
                + "  - { url: \"" + slack.url("/services/T0/B0/slacksecret") + "\", format: slack, downSeconds: 3 }\n"
                + "targets:\n"
                + "  - { id: steady, platform: custom, url: \"" + steady.url() + "/\", key: " + STEADY_KEY + " }\n"
                + "  - { id: doomed, platform: custom, url: \"" + doomed.url() + "/\", key: " + DOOMED_KEY + " }\n";
        return new ConfigLoader().parse(yaml).orThrow();
    }

    @AfterAll
    void stopPeers() {
        for (AutoCloseable c : new AutoCloseable[]{steady, doomed, json, slack, hanging}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private static String field(String body, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theDeadPlatformIsReportedDownOnceThenTheIngestLost() {
        List<String> bodies = json.bodies();

        assertThat(bodies).extracting(b -> field(b, "event") + " " + field(b, "target"))
                .containsExactly("target.down doomed", "ingest.lost null");
        assertThat(field(bodies.get(0), "state")).isIn("connecting", "reconnecting");
        assertThat(field(bodies.get(0), "url")).isEqualTo(doomed.url() + "/****");
        long downAt = Instant.parse(field(bodies.get(0), "at")).toEpochMilli();
        long lostAt = Instant.parse(field(bodies.get(1), "at")).toEpochMilli();
        System.out.printf("alerts: target.down %d ms before ingest.lost; the platform died at %d ms%n",
                lostAt - downAt, killedAt);
        assertThat(lostAt).isGreaterThan(downAt);
    }

    @Test
    void theSlackEndpointGetsTheSameAlertsAsText() {
        assertThat(slack.bodies()).hasSize(2);
        assertThat(slack.bodies().get(0)).startsWith("{\"text\":\":red_circle: castrelay *target.down*: target doomed");
        assertThat(slack.bodies().get(1)).contains("*ingest.lost*");
    }

    @Test
    void noKeyOrTokenAppearsInAnyAlert() {
        List<String> all = new ArrayList<>(json.bodies());
        all.addAll(slack.bodies());
        assertThat(all).isNotEmpty();
        for (String body : all) {
            assertThat(body).doesNotContain(INGEST_KEY).doesNotContain(TOKEN).doesNotContain(STEADY_KEY)
                    .doesNotContain(DOOMED_KEY).doesNotContain("slacksecret");
        }
    }

    @Test
    void hangingAndRefusingEndpointsCostTheHealthyPlatformNoFrame() {
        System.out.printf("steady platform: %d of %d source frames%n", steadyFrames, sourceFrames);
        assertThat(steadyFrames).isEqualTo(sourceFrames);
        assertThat(steady.recordings()).hasSize(1);
    }

    @Test
    void hangingAndRefusingEndpointsAreRetriedWithTheirQueuesBounded() {
        AlertHealth hung = finalAlerts.get(1);
        AlertHealth refused = finalAlerts.get(2);
        System.out.println("alert delivery: " + finalAlerts);

        assertThat(hung.state()).isEqualTo(AlertHealth.State.FAILING);
        assertThat(hung.failed()).as("attempts, each timing out").isGreaterThanOrEqualTo(2);
        assertThat(hung.lastError()).isEqualTo("no answer from 127.0.0.1:" + hanging.port() + " within 1000 ms");
        assertThat(hanging.requests()).as("requests the hanging endpoint got, one may be in flight")
                .isBetween((int) hung.failed(), (int) hung.failed() + 1);
        assertThat(refused.state()).isEqualTo(AlertHealth.State.FAILING);
        assertThat(refused.failed()).as("attempts, each refused").isGreaterThanOrEqualTo(3);
        assertThat(refused.lastError()).isEqualTo("connection refused by 127.0.0.1:" + refusedPort);
        for (AlertHealth h : List.of(hung, refused)) {
            assertThat(h.sent()).isZero();
            assertThat(h.queued()).as("queue bound").isEqualTo(1);
            assertThat(h.dropped()).as("two alerts for a queue of one").isEqualTo(1);
        }
        assertThat(finalAlerts.get(0).sent()).isEqualTo(2);
        assertThat(finalAlerts.get(0).failed()).isZero();
    }

    @Test
    void metricsCountAlertsSentFailedAndDroppedAndTheQueueNeverPassesItsBound() {
        String last;
        synchronized (scrapes) {
            last = scrapes.get(scrapes.size() - 1);
            for (String scrape : scrapes) {
                for (int i = 0; i < 4; i++) {
                    assertThat(value(scrape, "castrelay_alerts_queued", i)).isLessThanOrEqualTo(1);
                }
            }
        }
        assertThat(value(last, "castrelay_alerts_sent_total", 0)).isEqualTo(2);
        assertThat(value(last, "castrelay_alerts_sent_total", 3)).isEqualTo(2);
        assertThat(value(last, "castrelay_alerts_failed_total", 1)).isEqualTo(finalAlerts.get(1).failed());
        assertThat(value(last, "castrelay_alerts_failed_total", 2)).isEqualTo(finalAlerts.get(2).failed());
        assertThat(value(last, "castrelay_alerts_dropped_total", 2)).isEqualTo(1);
        assertThat(last).doesNotContain("slacksecret").doesNotContain("/hang");
    }

    @Test
    void theHealthTableNamesTheFailingEndpointsWithTheirTokensMasked() {
        String table = healthTables.get(0);
        System.out.print(table);

        assertThat(table).contains("ALERTS alerts[1] http://127.0.0.1:" + hanging.port() + "/**** failing")
                .contains("ALERTS alerts[2] http://127.0.0.1:" + refusedPort + "/**** failing")
                .doesNotContain("alerts[0]").doesNotContain("alerts[3]").doesNotContain("slacksecret");
    }

    private static double value(String scrape, String name, int endpoint) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{endpoint=\"alerts\\[" + endpoint + "\\]\"[^}]*\\} (\\S+)$")
                .matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no " + name + " for alerts[" + endpoint + "] in the scrape");
        }
        return Double.parseDouble(m.group(1));
    }
}
