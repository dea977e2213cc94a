package dev.castrelay.relay.control;

import dev.castrelay.relay.cli.Cli;
import dev.castrelay.relay.cli.CliContext;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.LogCapture;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A whole session with distinct, recognizable secrets: start, a live target, a target the platform rejects, a
 * target added and removed through the CLI, health, metrics, events, shutdown. No key and no token may appear in
 * the logs, the CLI's output, the API's answers, the metrics or the events.
 */
class SecretsTest {

    private static final String GOOD_KEY = "SECRET-good-key-5f1e";
    private static final String DENIED_KEY = "SECRET-denied-key-7a2b";
    private static final String ADDED_KEY = "SECRET-added-key-3c9d";

    @TempDir
    Path dir;

    private final List<String> seen = new ArrayList<>();

    @Test
    void noKeyOrTokenLeavesTheRelay() throws Exception {
        LogCapture logs = LogCapture.attach();
        try (NginxRtmpSink good = NginxRtmpSink.start();
             NginxRtmpSink denying = NginxRtmpSink.builder().denyPublish().start()) {
            TestRelay relay = TestRelay.start(dir, TestRelay.target("good", good.url(), GOOD_KEY),
                    TestRelay.target("denied", denying.url(), DENIED_KEY));
            try (FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).untilStopped()
                    .publish(relay.ingestUrl())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> relay.get("/api/v1/targets/good").body()
                        .contains("\"state\":\"live\""));
                await().atMost(Duration.ofSeconds(20)).until(() -> relay.get("/api/v1/targets/denied").body()
                        .contains("the key may be wrong"));
                session(relay);
            } finally {
                relay.close();
            }
        } finally {
            logs.close();
        }
        seen.addAll(logs.lines());

        assertThat(logs.lines()).anyMatch(l -> l.contains("target denied"));
        assertThat(String.join("\n", seen)).contains("****")
                .doesNotContain(GOOD_KEY).doesNotContain(DENIED_KEY).doesNotContain(ADDED_KEY)
                .doesNotContain(TestRelay.TOKEN).doesNotContain(TestRelay.INGEST_KEY);
    }

    private void session(TestRelay relay) throws Exception {
        String control = relay.url();
        cli(ADDED_KEY + "\n", "targets", "add", "--id", "added", "--url", "rtmp://127.0.0.1:" + TestRelay.closedPort()
                + "/live", "--key", "-", "--control", control);
        cli("", "targets", "list", "--control", control);
        cli("", "health", "--control", control);
        cli("", "health", "--json", "--control", control);
        seen.add(relay.get("/api/v1/health").body());
        seen.add(relay.get("/api/v1/targets").body());
        seen.add(relay.get("/api/v1/targets/denied").body());
        seen.add(relay.get("/metrics").body());
        seen.add(relay.send("POST", "/api/v1/targets", "{\"id\": \"good\", \"key\": \"" + GOOD_KEY + "\"}").body());
        seen.add(relay.send("POST", "/api/v1/targets", "{\"id\": \"x\", \"key\": \"" + ADDED_KEY + "\"").body());
        seen.add(events(relay));
        cli("", "targets", "disable", "denied", "--control", control);
        cli("", "targets", "remove", "added", "--control", control);
        cli("", "health", "--control", control, "--token-file", dir.resolve("missing").toString());
    }

    private void cli(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        Cli.create(new PrintWriter(out, true), new PrintWriter(err, true),
                new CliContext(Map.of("RELAY_TOKEN", TestRelay.TOKEN)::get, in, false)).execute(args);
        seen.add(out.toString());
        seen.add(err.toString());
    }

    /** The event stream while the good target is disabled and enabled, up to a periodic health snapshot after it. */
    private static String events(TestRelay relay) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(relay.url() + "/api/v1/events"))
                .header("Authorization", "Bearer " + TestRelay.TOKEN).build();
        HttpResponse<InputStream> res = relay.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        StringBuilder text = new StringBuilder();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = res.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (text) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (Exception e) {
                // closed below
            }
        });
        reader.setDaemon(true);
        reader.start();
        relay.send("PATCH", "/api/v1/targets/good", "{\"enabled\": false}");
        relay.send("PATCH", "/api/v1/targets/good", "{\"enabled\": true}");
        // The first health event comes on subscribing; the next is the periodic one, after the changes above.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (text) {
                return text.toString().split("event: health", -1).length - 1 >= 2;
            }
        });
        res.body().close();
        synchronized (text) {
            return text.toString();
        }
    }
}
