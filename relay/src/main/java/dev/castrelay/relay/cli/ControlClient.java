package dev.castrelay.relay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's side of the control API: one request at a time over {@link HttpClient}, every failure turned into a
 * {@link CliFailure} with one line for the operator.
 */
final class ControlClient {

    private static final ObjectMapper JSON = new JsonMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** A successful answer; {@code body} is null when there is none. */
    record Answer(int status, JsonNode body, String text) {
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();

    ControlClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    URI base() {
        return base;
    }

    Answer get(String path) throws CliFailure {
        return send("GET", path, null);
    }

    /** Sends a request; any status but 2xx is a failure carrying the API's own {@code detail}. */
    Answer send(String method, String path, JsonNode body) throws CliFailure {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new CliFailure(CliFailure.Kind.UNREACHABLE, "cannot reach the relay at " + base
                    + " (connection refused or timed out): is it running? Point --control at its control.listen");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(CliFailure.Kind.UNREACHABLE, "the relay at " + base + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new CliFailure(CliFailure.Kind.UNREACHABLE, "cannot talk to the relay at " + base + " ("
                    + e.getClass().getSimpleName() + "): is --control the relay's control API?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.Kind.UNREACHABLE, "interrupted");
        }
        JsonNode json = parse(res.body());
        int status = res.statusCode();
        if (status / 100 == 2) {
            return new Answer(status, json, res.body());
        }
        String detail = json != null && json.path("detail").isTextual() ? json.path("detail").asText()
                : json != null && json.path("error").isTextual() ? json.path("error").asText() : "HTTP " + status;
        if (status == 401) {
            throw new CliFailure(CliFailure.Kind.UNAUTHORIZED, "the relay at " + base + " refused the token ("
                    + detail + "): check --token-file, " + ControlOptions.TOKEN_ENV + " or control.token in --config");
        }
        throw new CliFailure(CliFailure.Kind.REFUSED, detail);
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
