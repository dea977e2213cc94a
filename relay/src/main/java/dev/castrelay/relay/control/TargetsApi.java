package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.castrelay.config.ConfigLoader;
import dev.castrelay.config.Problem;
import dev.castrelay.config.Secrets;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.config.TargetResult;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.relay.TargetRegistry;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/targets}: list, add, read, enable/disable, remove, restart. Every change goes through
 * {@link RuntimeTargets}, so it is saved to the state file before the answer is sent. A target is shown as its
 * health entry plus {@code enabled}; its URL is masked and its key never leaves the relay.
 */
final class TargetsApi {

    /** What a handler answers: a status and a JSON body (null for none). */
    record Answer(HttpResponseStatus status, JsonNode body, String location) {

        static Answer ok(JsonNode body) {
            return new Answer(HttpResponseStatus.OK, body, null);
        }
    }

    private final RuntimeTargets runtime;
    private final TargetRegistry registry;
    private final Supplier<List<String>> secrets;

    TargetsApi(RuntimeTargets runtime, TargetRegistry registry, Supplier<List<String>> secrets) {
        this.runtime = runtime;
        this.registry = registry;
        this.secrets = secrets;
    }

    Answer list() {
        List<TargetView> list = new ArrayList<>();
        for (TargetConfig c : registry.configs()) {
            try {
                list.add(view(c.id()));
            } catch (ApiError removedMeanwhile) {
                // Gone between the two reads: not in the list.
            }
        }
        return Answer.ok(HealthDocument.JSON.valueToTree(new TargetView.Listing(list)));
    }

    Answer get(String id) {
        return Answer.ok(describe(id));
    }

    Answer add(String text) {
        JsonNode body = ControlHandler.parseJson(text);
        if (!body.isObject()) {
            throw ApiError.badRequest("invalid target", "expected a JSON object such as {\"id\": \"youtube\", "
                    + "\"platform\": \"youtube\", \"key\": \"...\"}; got "
                    + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String id = body.path("id").isTextual() ? body.path("id").asText() : null;
        if (id != null && registry.contains(id)) {
            throw duplicate(id);
        }
        TargetResult result = ConfigLoader.readTarget(body, runtime.current(), runtime.fileConfig());
        if (!result.usable()) {
            List<String> keys = body.path("key").isTextual() ? List.of(body.path("key").asText()) : List.of();
            String problems = result.errors().stream().map(Problem::toString).collect(Collectors.joining("; "));
            throw ApiError.badRequest("invalid target", Secrets.redact(problems, keys));
        }
        try {
            runtime.add(result.target());
        } catch (IllegalArgumentException e) {
            if (registry.contains(result.target().id())) {
                throw duplicate(result.target().id());
            }
            // What only the RTMP layer checks, such as a URL with no stream name to publish to.
            throw ApiError.badRequest("invalid target", Secrets.redact(e.getMessage(), keyOf(result.target())));
        } catch (IOException e) {
            throw notSaved(e);
        }
        return new Answer(HttpResponseStatus.CREATED, describe(result.target().id()),
                "/api/v1/targets/" + result.target().id());
    }

    Answer patch(String id, String text) {
        requireKnown(id);
        JsonNode body = ControlHandler.parseJson(text);
        if (!body.isObject()) {
            throw ApiError.badRequest("invalid change", "expected {\"enabled\": true} or {\"enabled\": false}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("enabled")) {
                throw ApiError.badRequest("invalid change", "only 'enabled' can be changed at runtime; to change '"
                        + field + "', remove the target and add it again");
            }
        }
        JsonNode enabled = body.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw ApiError.badRequest("invalid change", "'enabled' must be true or false"
                    + (enabled == null ? ""
                    : "; got " + enabled.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            runtime.setEnabled(id, enabled.booleanValue());
        } catch (NoSuchElementException e) {
            throw ApiError.unknownTarget(id);
        } catch (IOException e) {
            throw notSaved(e);
        }
        return Answer.ok(describe(id));
    }

    /** Pins the ingest input (null: automatic failover), saved with the targets. */
    void useInput(InputRole role) {
        try {
            runtime.useInput(role);
        } catch (IOException e) {
            throw notSaved(e);
        }
    }

    Answer remove(String id) {
        try {
            runtime.remove(id);
        } catch (NoSuchElementException e) {
            throw ApiError.unknownTarget(id);
        } catch (IOException e) {
            throw notSaved(e);
        }
        return new Answer(HttpResponseStatus.NO_CONTENT, null, null);
    }

    Answer restart(String id) {
        TargetHealth h = health(id);
        if (h.state() == TargetState.DISABLED) {
            throw new ApiError(HttpResponseStatus.CONFLICT, "target disabled",
                    "target '" + id + "' is disabled: enable it instead of restarting it");
        }
        try {
            runtime.restart(id);
        } catch (NoSuchElementException e) {
            throw ApiError.unknownTarget(id);
        }
        return new Answer(HttpResponseStatus.ACCEPTED, describe(id), null);
    }

    private static List<String> keyOf(TargetConfig t) {
        return t.key() == null ? List.of() : List.of(t.key());
    }

    private JsonNode describe(String id) {
        return HealthDocument.JSON.valueToTree(view(id));
    }

    private TargetView view(String id) {
        TargetHealth h = health(id);
        boolean enabled = registry.configs().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(TargetConfig::enabled).orElse(h.state() != TargetState.DISABLED);
        return TargetView.of(h, enabled, secrets.get());
    }

    private TargetHealth health(String id) {
        try {
            return registry.health(id);
        } catch (NoSuchElementException e) {
            throw ApiError.unknownTarget(id);
        }
    }

    private void requireKnown(String id) {
        if (!registry.contains(id)) {
            throw ApiError.unknownTarget(id);
        }
    }

    private static ApiError duplicate(String id) {
        return new ApiError(HttpResponseStatus.CONFLICT, "duplicate id", "target '" + id + "' already exists");
    }

    private ApiError notSaved(IOException e) {
        return new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "state not saved",
                "the change took effect but could not be written to " + runtime.stateFile().path() + " ("
                        + e.getClass().getSimpleName() + "); it will be lost on restart");
    }
}
