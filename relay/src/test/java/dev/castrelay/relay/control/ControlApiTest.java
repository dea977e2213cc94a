package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The control API's contract (PRODUCT.md, "Control API" and "Health document"): paths, JSON shapes, status codes,
 * auth. A relay with a passthrough rendition and no ingest; targets point at a closed port.
 */
class ControlApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "key-5e8d0b7a-alpha";

    @TempDir
    static Path dir;
    static TestRelay relay;
    static Instant started;

    @BeforeAll
    static void start() {
        started = Instant.now();
        relay = TestRelay.start(dir, TestRelay.target("alpha", "rtmp://127.0.0.1:" + TestRelay.closedPort() + "/live",
                KEY));
    }

    @AfterAll
    static void stop() {
        relay.close();
    }

    private static JsonNode json(HttpResponse<String> res) throws Exception {
        return JSON.readTree(res.body());
    }

    private static String newTarget(String id) {
        return "{\"id\": \"" + id + "\", \"url\": \"rtmp://127.0.0.1:" + TestRelay.closedPort()
                + "/app\", \"key\": \"key-of-" + id + "\"}";
    }

    private static void assertError(HttpResponse<String> res, int status, String error) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = json(res);
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("detail").isTextual()).isTrue();
        assertThat(fieldNames(body)).containsExactly("error", "detail");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void ingestActiveTakesAutoAndRefusesAnInputThatIsNotConfigured() throws Exception {
        HttpResponse<String> auto = relay.send("PUT", "/api/v1/ingest/active", "{\"input\": \"auto\"}");
        HttpResponse<String> backup = relay.send("PUT", "/api/v1/ingest/active", "{\"input\": \"backup\"}");
        HttpResponse<String> bogus = relay.send("PUT", "/api/v1/ingest/active", "{\"input\": \"tertiary\"}");

        assertThat(auto.statusCode()).isEqualTo(200);
        assertThat(json(auto).path("mode").asText()).isEqualTo("auto");
        assertThat(backup.statusCode()).isEqualTo(400);
        assertThat(json(backup).path("detail").asText()).contains("no backup input is configured");
        assertThat(bogus.statusCode()).isEqualTo(400);
        assertThat(json(bogus).path("detail").asText()).contains("\"tertiary\"");
    }

    @Test
    void healthDocumentHasEveryFieldOfTheContract() throws Exception {
        HttpResponse<String> res = relay.get("/api/v1/health");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode doc = json(res);
        assertThat(fieldNames(doc)).containsExactly("status", "ingest", "renditions", "targets");
        assertThat(doc.path("status").asText()).isEqualTo("critical");
        JsonNode ingest = doc.path("ingest");
        assertThat(fieldNames(ingest)).containsExactly("state", "since", "active", "mode", "inputs", "video", "audio", "bitrateKbps");
        assertThat(ingest.path("state").asText()).isEqualTo("waiting");
        // Waiting since the relay started: no ingest has come since.
        assertThat(Instant.parse(ingest.path("since").asText())).isBetween(started, Instant.now());
        JsonNode alpha = doc.path("targets").get(0);
        assertThat(fieldNames(alpha)).containsExactly("id", "platform", "rendition", "url", "state", "since",
                "bitrateKbps", "fps", "queueMs", "droppedFrames", "reconnects", "bytesSent", "lastError",
                "nextRetryInMs");
        assertThat(alpha.path("url").asText()).endsWith("/live/****");
        assertThat(alpha.path("state").asText()).isEqualTo("waiting");
        assertThat(res.body()).doesNotContain(KEY).doesNotContain(TestRelay.TOKEN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,/api/v1/health", "GET,/api/v1/targets", "POST,/api/v1/targets", "GET,/api/v1/targets/alpha",
        "PATCH,/api/v1/targets/alpha", "DELETE,/api/v1/targets/alpha", "POST,/api/v1/targets/alpha/restart",
        "GET,/api/v1/events", "GET,/metrics", "GET,/api/v1/nowhere"})
    void everyApiPathRefusesAMissingOrWrongToken(String method, String path) throws Exception {
        String body = method.equals("GET") || method.equals("DELETE") ? null : "{\"enabled\": false}";

        HttpResponse<String> none = relay.send(method, path, body, null);
        HttpResponse<String> wrong = relay.send(method, path, body, TestRelay.TOKEN + "x");
        HttpResponse<String> basic = relay.sendRaw(method, path, body, "Authorization", "Basic " + TestRelay.TOKEN);

        for (HttpResponse<String> res : List.of(none, wrong, basic)) {
            assertError(res, 401, "unauthorized");
            assertThat(res.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("Bearer"));
        }
        assertThat(relay.get("/api/v1/targets/alpha").statusCode()).isEqualTo(200);
    }

    @Test
    void targetsListShowsMaskedUrlsAndNeverAKey() throws Exception {
        HttpResponse<String> res = relay.get("/api/v1/targets");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode alpha = json(res).path("targets").get(0);
        assertThat(alpha.path("id").asText()).isEqualTo("alpha");
        assertThat(alpha.path("enabled").asBoolean()).isTrue();
        assertThat(alpha.path("url").asText()).endsWith("/live/****");
        assertThat(alpha.has("key")).isFalse();
        assertThat(res.body()).doesNotContain(KEY);
    }

    @Test
    void addingATargetAnswers201WithTheTargetAndStartsIt() throws Exception {
        HttpResponse<String> res = relay.send("POST", "/api/v1/targets", newTarget("added"));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        assertThat(res.headers().firstValue("location")).hasValue("/api/v1/targets/added");
        JsonNode t = json(res);
        assertThat(t.path("id").asText()).isEqualTo("added");
        assertThat(t.path("platform").asText()).isEqualTo("custom");
        assertThat(t.path("rendition").asText()).isEqualTo("source");
        assertThat(t.path("state").asText()).isEqualTo("waiting");
        assertThat(t.path("url").asText()).endsWith("/app/****");
        assertThat(res.body()).doesNotContain("key-of-added");
        assertThat(relay.get("/api/v1/targets/added").statusCode()).isEqualTo(200);
    }

    @Test
    void aDuplicateIdIs409() throws Exception {
        assertError(relay.send("POST", "/api/v1/targets", newTarget("alpha")), 409, "duplicate id");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET,/api/v1/targets/ghost", "PATCH,/api/v1/targets/ghost", "DELETE,/api/v1/targets/ghost",
        "POST,/api/v1/targets/ghost/restart"})
    void anUnknownIdIs404(String method, String path) throws Exception {
        HttpResponse<String> res = relay.send(method, path, method.equals("PATCH") ? "{\"enabled\": true}" : null);

        assertError(res, 404, "unknown target");
        assertThat(json(res).path("detail").asText()).contains("ghost");
    }

    @Test
    void malformedJsonIs400NamingWhereItBreaks() throws Exception {
        HttpResponse<String> res = relay.send("POST", "/api/v1/targets", "{\"id\": \"x\", \"key\": \"sekrit-key-9\"");

        assertError(res, 400, "invalid JSON");
        assertThat(json(res).path("detail").asText()).contains("line 1").doesNotContain("sekrit-key-9");
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        assertError(relay.send("POST", "/api/v1/targets", ""), 400, "invalid JSON");
    }

    @Test
    void anInvalidTargetIs400WithEveryProblemAndItsPath() throws Exception {
        HttpResponse<String> res = relay.send("POST", "/api/v1/targets",
                "{\"id\": \"bad\", \"platform\": \"myspace\", \"rendition\": \"nope\", \"key\": \"k-123456\"}");

        assertError(res, 400, "invalid target");
        assertThat(json(res).path("detail").asText()).contains("targets[id=bad].platform").contains("myspace");
        assertThat(relay.get("/api/v1/targets/bad").statusCode()).isEqualTo(404);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "{\"id\": \"" + "x".repeat(70 * 1024) + "\"}";

        HttpResponse<String> res = relay.send("POST", "/api/v1/targets", huge);

        assertError(res, 413, "request body too large");
        assertThat(json(res).path("detail").asText()).contains("65536");
    }

    @Test
    void aWrongMethodIs405NamingTheAllowedOnes() throws Exception {
        HttpResponse<String> res = relay.send("PUT", "/api/v1/targets/alpha", "{}");

        assertError(res, 405, "method not allowed");
        assertThat(res.headers().firstValue("allow")).hasValue("GET, PATCH, DELETE");
        assertError(relay.send("DELETE", "/api/v1/health", null), 405, "method not allowed");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        assertError(relay.get("/api/v1/nowhere"), 404, "not found");
        assertError(relay.get("/api/v2/health"), 404, "not found");
    }

    @Test
    void patchDisablesAndEnablesATarget() throws Exception {
        relay.send("POST", "/api/v1/targets", newTarget("toggled"));

        HttpResponse<String> off = relay.send("PATCH", "/api/v1/targets/toggled", "{\"enabled\": false}");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(json(off).path("enabled").asBoolean()).isFalse();
        assertThat(json(off).path("state").asText()).isEqualTo("disabled");

        HttpResponse<String> on = relay.send("PATCH", "/api/v1/targets/toggled", "{\"enabled\": true}");
        assertThat(json(on).path("enabled").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                json(relay.get("/api/v1/targets/toggled")).path("state").asText().equals("waiting"));
    }

    @Test
    void patchRefusesAnythingButEnabled() throws Exception {
        HttpResponse<String> url = relay.send("PATCH", "/api/v1/targets/alpha", "{\"url\": \"rtmp://x/y\"}");
        assertError(url, 400, "invalid change");
        assertThat(json(url).path("detail").asText()).contains("'url'");
        assertError(relay.send("PATCH", "/api/v1/targets/alpha", "{\"enabled\": \"no\"}"), 400, "invalid change");
        assertError(relay.send("PATCH", "/api/v1/targets/alpha", "[true]"), 400, "invalid change");
    }

    @Test
    void deleteRemovesATarget() throws Exception {
        relay.send("POST", "/api/v1/targets", newTarget("doomed"));

        HttpResponse<String> res = relay.send("DELETE", "/api/v1/targets/doomed", null);

        assertThat(res.statusCode()).isEqualTo(204);
        assertThat(relay.get("/api/v1/targets/doomed").statusCode()).isEqualTo(404);
        assertThat(json(relay.get("/api/v1/targets")).findValuesAsText("id")).doesNotContain("doomed");
    }

    @Test
    void restartIsAcceptedForAnEnabledTargetAndRefusedForADisabledOne() throws Exception {
        relay.send("POST", "/api/v1/targets", newTarget("bounced"));

        HttpResponse<String> res = relay.send("POST", "/api/v1/targets/bounced/restart", null);
        assertThat(res.statusCode()).isEqualTo(202);
        assertThat(json(res).path("id").asText()).isEqualTo("bounced");

        relay.send("PATCH", "/api/v1/targets/bounced", "{\"enabled\": false}");
        assertError(relay.send("POST", "/api/v1/targets/bounced/restart", null), 409, "target disabled");
    }

    @Test
    void theDashboardIsServedWithoutAToken() {
        HttpResponse<String> page = relay.send("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/html"));
        assertThat(page.body()).contains("castrelay").doesNotContain(TestRelay.TOKEN);
        assertThat(relay.send("GET", "/dashboard/../../etc/passwd", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void metricsNeedTheTokenUnlessPublic() throws Exception {
        assertError(relay.send("GET", "/metrics", null, null), 401, "unauthorized");
        HttpResponse<String> res = relay.get("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/plain; version=0.0.4"));

        try (TestRelay open = TestRelay.start(TestRelay.config(dir.resolve("public"), true))) {
            assertThat(open.send("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
            assertError(open.send("GET", "/api/v1/health", null, null), 401, "unauthorized");
        }
    }

    @Test
    void eventsCarryEachStateChangeAndAHealthSnapshotEverySecond() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(relay.url() + "/api/v1/events"))
                .header("Authorization", "Bearer " + TestRelay.TOKEN).build();
        HttpResponse<InputStream> res = relay.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/event-stream"));
        List<String[]> events = new ArrayList<>();
        Thread reader = new Thread(() -> readEvents(res.body(), events));
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> count(events, "health") >= 1);
            long start = System.nanoTime();
            relay.send("POST", "/api/v1/targets", newTarget("watched"));
            await().atMost(Duration.ofSeconds(2)).until(() -> events(events, "target").stream()
                    .anyMatch(d -> d.contains("\"id\":\"watched\"") && d.contains("\"state\":\"waiting\"")));

            relay.send("PATCH", "/api/v1/targets/watched", "{\"enabled\": false}");

            await().atMost(Duration.ofSeconds(2)).until(() -> events(events, "target").stream()
                    .anyMatch(d -> d.contains("\"id\":\"watched\"") && d.contains("\"state\":\"disabled\"")));
            JsonNode change = JSON.readTree(events(events, "target").stream()
                    .filter(d -> d.contains("\"state\":\"disabled\"")).findFirst().orElseThrow());
            assertThat(change.path("previous").asText()).isEqualTo("waiting");
            await().atMost(Duration.ofSeconds(4)).until(() -> count(events, "health") >= 3);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThan(1500);
            JsonNode health = JSON.readTree(events(events, "health").get(events(events, "health").size() - 1));
            assertThat(health.has("status") && health.has("ingest") && health.has("targets")).isTrue();
        } finally {
            res.body().close();
        }
    }

    private static void readEvents(InputStream in, List<String[]> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    synchronized (sink) {
                        sink.add(new String[] {event, line.substring(6)});
                    }
                }
            }
        } catch (Exception e) {
            // closed by the test
        }
    }

    private static List<String> events(List<String[]> all, String name) {
        synchronized (all) {
            return all.stream().filter(e -> name.equals(e[0])).map(e -> e[1]).toList();
        }
    }

    private static long count(List<String[]> all, String name) {
        return events(all, name).size();
    }

    @Test
    void anEmptyTokenIsRefusedBeforeAnythingListens() {
        var config = TestRelay.config(dir.resolve("empty-token"), false);
        var open = new dev.castrelay.config.RelayConfig(config.ingest(),
                new dev.castrelay.config.ControlConfig("0.0.0.0:0", "", false), config.stateFile(), config.slate(),
                null, config.renditions(), config.targets());

        assertThatThrownBy(() -> TestRelay.start(open)).isInstanceOf(ControlException.class)
                .hasMessageContaining("control.token is empty").hasMessageContaining("beyond loopback");
    }
}
