package dev.castrelay.relay.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import dev.castrelay.config.ArchiveConfig;
import dev.castrelay.config.QueueConfig;
import dev.castrelay.config.ReconnectConfig;
import dev.castrelay.config.Secrets;
import dev.castrelay.config.TargetConfig;
import dev.castrelay.config.TlsConfig;

import java.util.List;

/**
 * The state file's JSON, as {@link StateFile} writes and reads it with Jackson (format 1):
 *
 * <pre>{@code
 * { "format": 1, "savedAt": "...", "targets": [ {...}, ... ],
 *   "addedAtRuntime": ["twitch"], "removedFromConfig": ["facebook"], "ingest": { "pin": "backup" } }
 * }</pre>
 *
 * @param savedAt           when, for people reading the file; the relay does not read it back
 * @param targets           each target as {@code relay.yaml} spells it (a {@link SavedTarget} when written), kept as
 *                          JSON for the config's own target reader, which validates it as it validates the config;
 *                          null when the file has none
 * @param addedAtRuntime    ids of the targets added at runtime (missing: none)
 * @param removedFromConfig ids of the config's targets removed at runtime (missing: none)
 * @param ingest            the operator's pin of the ingest input; null (left out): automatic failover
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StateDocument(int format, String savedAt, @JsonSetter(contentNulls = Nulls.FAIL) List<JsonNode> targets,
                     @JsonSetter(contentNulls = Nulls.FAIL) List<String> addedAtRuntime,
                     @JsonSetter(contentNulls = Nulls.FAIL) List<String> removedFromConfig, Ingest ingest) {

    StateDocument {
        addedAtRuntime = addedAtRuntime == null ? List.of() : List.copyOf(addedAtRuntime);
        removedFromConfig = removedFromConfig == null ? List.of() : List.copyOf(removedFromConfig);
    }

    /** {@code ingest}: {@code pin} is {@code primary} or {@code backup}. */
    record Ingest(String pin) {
    }

    /**
     * A target as {@code relay.yaml} spells it, key included: only what is set, an archive's settings flat in the
     * target as in the config.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SavedTarget(String id, String platform, String url, String key, String rendition, boolean enabled,
                       TlsConfig tls, QueueConfig queue, ReconnectConfig reconnect,
                       @JsonUnwrapped ArchiveConfig archive) {

        static SavedTarget of(TargetConfig t) {
            TlsConfig tls = t.tls() != null && t.tls().caFile() != null ? t.tls() : null;
            return new SavedTarget(t.id(), t.platform().id(), t.url(), t.key(), t.rendition(), t.enabled(), tls,
                    t.queue(), t.reconnect(), t.archive());
        }

        /** Never the key. */
        @Override
        public String toString() {
            return "SavedTarget[id=" + id + ", key=" + Secrets.mask(key) + "]";
        }
    }
}
