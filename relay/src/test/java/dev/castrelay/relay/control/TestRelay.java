package dev.castrelay.relay.control;

import dev.castrelay.config.ControlConfig;
import dev.castrelay.config.Defaults;
import dev.castrelay.config.IngestConfig;
import dev.castrelay.config.Platform;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.targets.PusherSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A relay as {@code relay run} starts it (state file, relay, control API), on loopback ports the kernel picks,
 * with one passthrough rendition {@code source} and short reconnect delays; plus an HTTP client for its API.
 */
public final class TestRelay implements AutoCloseable {

    public static final String TOKEN = "tok-3b1e7c55-control";
    public static final String INGEST_KEY = "ingest-9d2f41a0";
    public static final PusherSettings FAST = new PusherSettings(8_000, 64L << 20, 10_000, 300, 1_000, 1_000, 60_000, 3,
            RtmpLimits.DEFAULT);

    private final RelayService service;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private TestRelay(RelayService service) {
        this.service = service;
    }

    /** Config for a relay whose state file lives in {@code dir}. */
    public static RelayConfig config(Path dir, boolean publicMetrics, TargetConfig... targets) {
        return new RelayConfig(new IngestConfig("127.0.0.1:0", "live", INGEST_KEY, Defaults.rtmpLimits()),
                new ControlConfig("127.0.0.1:0", TOKEN, publicMetrics), dir.resolve("relay-state.json").toString(),
                Defaults.slate(), null, Map.of("source", new RenditionConfig("source", true, null, null)),
                List.of(targets));
    }

    public static TestRelay start(RelayConfig config) {
        try {
            return new TestRelay(RelayService.start(config, FAST));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static TestRelay start(Path dir, TargetConfig... targets) {
        return start(config(dir, false, targets));
    }

    /** A custom target publishing to {@code serverUrl} with {@code key}. */
    public static TargetConfig target(String id, String serverUrl, String key) {
        return new TargetConfig(id, Platform.CUSTOM, serverUrl, key, "source", true, null, Defaults.queue());
    }

    /** A TCP port nothing listens on (bound, then released). */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RelayService service() {
        return service;
    }

    /** {@code http://127.0.0.1:PORT} of the control API. */
    public String url() {
        return service.control().url();
    }

    /** Where an encoder publishes, key included. */
    public String ingestUrl() {
        return "rtmp://127.0.0.1:" + service.relay().ingestAddress().getPort() + "/live/" + INGEST_KEY;
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null, TOKEN);
    }

    public HttpResponse<String> send(String method, String path, String body) {
        return send(method, path, body, TOKEN);
    }

    /** A request with {@code token} as the bearer token (null: no Authorization header). */
    public HttpResponse<String> send(String method, String path, String body, String token) {
        List<String> headers = new ArrayList<>();
        if (token != null) {
            headers.add("Authorization");
            headers.add("Bearer " + token);
        }
        return sendRaw(method, path, body, headers.toArray(String[]::new));
    }

    public HttpResponse<String> sendRaw(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        service.close();
    }
}
