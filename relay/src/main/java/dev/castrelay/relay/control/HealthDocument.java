package dev.castrelay.relay.control;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.castrelay.config.Secrets;
import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.relay.alerts.AlertHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.transcoder.RenditionState;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The health document of PRODUCT.md as JSON, both ways, mapped by Jackson from the records themselves: a
 * record's components are the document's fields under the same names, states and statuses are their lower-case
 * words, times ISO-8601 text; the records' annotations say the rest (what is required, what is left out). The API
 * writes a {@link RelayHealth} with {@link #toJson}, and the CLI reads the API's answer back into the same records
 * with {@link #fromJson}, so the table renders the same whether it comes from a live relay or over HTTP.
 *
 * <p>Reading is strict where the document cannot be shown without a field and lenient where a newer relay may
 * say more: a required field that is missing (or a state, status, time or the ingest given as null) makes the
 * document unreadable, naming the field; a count or rate that is missing (or null) reads as 0, as do the rendition
 * components the document leaves out; an unknown field is ignored.
 */
public final class HealthDocument {

    /** Writes and reads the health records, and the target views built from them. */
    static final JsonMapper JSON = nullsRefused(JsonMapper.builder(), RelayHealth.Status.class, IngestHealth.class,
            IngestState.class, RenditionState.class, TargetState.class, AlertHealth.State.class, Instant.class)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private HealthDocument() {
    }

    private static JsonMapper.Builder nullsRefused(JsonMapper.Builder b, Class<?>... types) {
        for (Class<?> t : types) {
            b.withConfigOverride(t, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL)));
        }
        return b;
    }

    /**
     * @param secrets keys and tokens to mask should a peer's error text echo one (URLs are already masked)
     */
    public static ObjectNode toJson(RelayHealth h, Collection<String> secrets) {
        return JSON.valueToTree(redacted(h, secrets));
    }

    /** {@code h} with every {@code lastError} scrubbed of {@code secrets}. */
    static RelayHealth redacted(RelayHealth h, Collection<String> secrets) {
        List<TargetHealth> targets = h.targets().stream().map(t -> redacted(t, secrets)).toList();
        List<AlertHealth> alerts = h.alerts().stream()
                .map(a -> a.withLastError(Secrets.redact(a.lastError(), secrets))).toList();
        return new RelayHealth(h.status(), h.ingest(), h.renditions(), targets, alerts);
    }

    static TargetHealth redacted(TargetHealth t, Collection<String> secrets) {
        return t.withLastError(Secrets.redact(t.lastError(), secrets));
    }

    /**
     * Reads a health document back into the records.
     *
     * @throws IllegalArgumentException saying which field is missing or of the wrong kind
     */
    public static RelayHealth fromJson(JsonNode doc) {
        return read(doc, RelayHealth.class);
    }

    /** Reads one JSON object into a record of the health document, or says what is wrong with it. */
    static <T> T read(JsonNode node, Class<T> type) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(problem(e), e);
        }
    }

    /** Jackson's own words, without its source excerpt, after where in the document: "at 'ingest.inputs[0]': ...". */
    private static String problem(JsonProcessingException e) {
        String where = JsonPlace.of(e);
        String what = e.getOriginalMessage().lines().findFirst().orElse("").trim();
        return where.isEmpty() ? what : "at '" + where + "': " + what;
    }
}
