package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.config.Secrets;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionHealth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The health document of PRODUCT.md as JSON, both ways: the API writes a {@link RelayHealth} with
 * {@link #toJson}, and the CLI reads the API's answer back into the same records with {@link #fromJson}, so the
 * table renders the same whether it comes from a live relay or over HTTP. Field names here are the contract.
 */
public final class HealthDocument {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HealthDocument() {
    }

    /**
     * @param secrets keys and tokens to mask should a peer's error text echo one (URLs are already masked)
     */
    public static ObjectNode toJson(RelayHealth h, Collection<String> secrets) {
        ObjectNode doc = NODES.objectNode();
        doc.put("status", h.status());
        doc.set("ingest", ingest(h.ingest()));
        ArrayNode renditions = doc.putArray("renditions");
        for (RenditionHealth r : h.renditions()) {
            ObjectNode o = renditions.addObject().put("id", r.id()).put("state", r.state()).put("fps", r.fps())
                    .put("bitrateKbps", r.bitrateKbps()).put("speed", r.speed())
                    .put("droppedFrames", r.droppedFrames());
            if (r.reason() != null) {
                o.put("reason", r.reason());
            }
        }
        ArrayNode targets = doc.putArray("targets");
        for (TargetHealth t : h.targets()) {
            targets.add(target(t, secrets));
        }
        if (h.alerts().isEmpty()) {
            return doc; // no alerts configured: the document is the contract's, field for field
        }
        ArrayNode alerts = doc.putArray("alerts");
        for (AlertHealth a : h.alerts()) {
            alerts.addObject().put("endpoint", a.endpoint()).put("url", a.url()).put("state", a.state())
                    .put("sent", a.sent()).put("failed", a.failed()).put("dropped", a.dropped())
                    .put("queued", a.queued()).put("lastError", Secrets.redact(a.lastError(), secrets));
        }
        return doc;
    }

    private static ObjectNode ingest(IngestHealth in) {
        ObjectNode o = NODES.objectNode();
        o.put("state", in.state().id());
        o.put("since", in.since().toString());
        o.put("active", in.active());
        o.put("mode", in.mode());
        ArrayNode inputs = o.putArray("inputs");
        for (IngestHealth.Input i : in.inputs()) {
            ObjectNode io = inputs.addObject().put("role", i.role()).put("state", i.state().id())
                    .put("protocol", i.protocol());
            video(io, i.video());
            io.put("bitrateKbps", i.bitrateKbps()).put("since", i.since().toString());
        }
        video(o, in.video());
        if (in.audio() == null) {
            o.putNull("audio");
        } else {
            IngestHealth.Audio a = in.audio();
            o.putObject("audio").put("codec", a.codec()).put("sampleRate", a.sampleRate())
                    .put("channels", a.channels());
        }
        o.put("bitrateKbps", in.bitrateKbps());
        return o;
    }

    private static void video(ObjectNode o, IngestHealth.Video v) {
        if (v == null) {
            o.putNull("video");
        } else {
            o.putObject("video").put("codec", v.codec()).put("width", v.width()).put("height", v.height())
                    .put("fps", v.fps()).put("keyframeIntervalSec", v.keyframeIntervalSec());
        }
    }

    private static IngestHealth.Video videoFromJson(JsonNode v) {
        return v.isObject() ? new IngestHealth.Video(text(v, "codec"), v.path("width").asInt(), v.path("height").asInt(),
                v.path("fps").asDouble(), v.path("keyframeIntervalSec").asDouble()) : null;
    }

    /** One entry of {@code targets}; the URL comes masked from the pusher. */
    public static ObjectNode target(TargetHealth t, Collection<String> secrets) {
        ObjectNode o = NODES.objectNode();
        o.put("id", t.id());
        o.put("platform", t.platform());
        o.put("rendition", t.rendition());
        o.put("url", t.url());
        o.put("state", t.state().id());
        o.put("since", t.since().toString());
        o.put("bitrateKbps", t.bitrateKbps());
        o.put("fps", t.fps());
        o.put("queueMs", t.queueMs());
        o.put("droppedFrames", t.droppedFrames());
        o.put("reconnects", t.reconnects());
        o.put("bytesSent", t.bytesSent());
        o.put("lastError", Secrets.redact(t.lastError(), secrets));
        if (t.nextRetryInMs() == null) {
            o.putNull("nextRetryInMs");
        } else {
            o.put("nextRetryInMs", t.nextRetryInMs());
        }
        return o;
    }

    /**
     * Reads a health document back into the records.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong kind
     */
    public static RelayHealth fromJson(JsonNode doc) {
        JsonNode in = required(doc, "ingest");
        IngestHealth.Video video = videoFromJson(in.path("video"));
        IngestHealth.Audio audio = null;
        JsonNode a = in.path("audio");
        if (a.isObject()) {
            audio = new IngestHealth.Audio(text(a, "codec"), a.path("sampleRate").asInt(),
                    a.path("channels").asInt());
        }
        List<IngestHealth.Input> inputs = new ArrayList<>();
        for (JsonNode i : in.path("inputs")) {
            inputs.add(new IngestHealth.Input(text(i, "role"), IngestState.valueOf(upper(text(i, "state"))),
                    text(i, "protocol"), videoFromJson(i.path("video")), i.path("bitrateKbps").asLong(),
                    Instant.parse(text(i, "since"))));
        }
        IngestHealth ingest = new IngestHealth(IngestState.valueOf(upper(text(in, "state"))),
                Instant.parse(text(in, "since")), video, audio, in.path("bitrateKbps").asLong(),
                in.path("active").isTextual() ? in.path("active").asText() : null,
                in.path("mode").isTextual() ? in.path("mode").asText() : null, inputs);
        List<RenditionHealth> renditions = new ArrayList<>();
        for (JsonNode r : doc.path("renditions")) {
            renditions.add(new RenditionHealth(text(r, "id"), text(r, "state"), r.path("fps").asDouble(),
                    r.path("bitrateKbps").asLong(), r.path("speed").asDouble(), r.path("slateFrames").asLong(),
                    r.path("droppedFrames").asLong(), r.path("slow").asBoolean(), r.path("reason").isTextual() ? r.path("reason").asText() : null));
        }
        List<TargetHealth> targets = new ArrayList<>();
        for (JsonNode t : doc.path("targets")) {
            targets.add(targetFromJson(t));
        }
        List<AlertHealth> alerts = new ArrayList<>();
        for (JsonNode e : doc.path("alerts")) {
            alerts.add(new AlertHealth(text(e, "endpoint"), e.path("url").isTextual() ? e.path("url").asText() : null,
                    text(e, "state"), e.path("sent").asLong(), e.path("failed").asLong(),
                    e.path("dropped").asLong(), e.path("queued").asInt(),
                    e.path("lastError").isTextual() ? e.path("lastError").asText() : null));
        }
        return new RelayHealth(text(doc, "status"), ingest, renditions, targets, alerts);
    }

    /** One entry of {@code targets} (also what {@code GET /api/v1/targets/{id}} answers) as a record. */
    public static TargetHealth targetFromJson(JsonNode t) {
        JsonNode retry = t.path("nextRetryInMs");
        return new TargetHealth(text(t, "id"), text(t, "platform"), text(t, "rendition"),
                t.path("url").isTextual() ? t.path("url").asText() : null,
                TargetState.valueOf(upper(text(t, "state"))), Instant.parse(text(t, "since")),
                t.path("bitrateKbps").asLong(), t.path("fps").asDouble(), t.path("queueMs").asLong(),
                t.path("droppedFrames").asLong(), t.path("reconnects").asLong(), t.path("bytesSent").asLong(),
                t.path("lastError").isTextual() ? t.path("lastError").asText() : null,
                retry.isNumber() ? retry.asLong() : null);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("the health document has no '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("the health document's '" + field + "' is not text");
        }
        return v.asText();
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
