package dev.castrelay.relay.alerts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * One alert endpoint's delivery, for the health document (each component a field of its {@code alerts} entries,
 * under the same name), the CLI and metrics.
 *
 * @param endpoint  {@code alerts[0]}: its place in the config (its URL may hold a token, so it is no label)
 * @param url       the URL with its token masked
 * @param state     whether deliveries go through
 * @param sent      alerts delivered (answered 2xx)
 * @param failed    delivery attempts that failed (no answer, refused, timed out, not 2xx)
 * @param dropped   alerts given up: pushed out of a full queue, or refused by the endpoint with a 4xx
 * @param queued    alerts waiting, the one in flight included
 * @param lastError why the last attempt failed, or null
 */
public record AlertHealth(@JsonProperty(required = true) String endpoint, String url,
                          @JsonProperty(required = true) State state, long sent, long failed, long dropped,
                          int queued, String lastError) {

    /** An endpoint's delivery state. */
    public enum State {
        /** The last delivery went through, or none was needed yet. */
        OK,
        /** Retrying. */
        FAILING;

        /** {@code ok} or {@code failing}, as the health document spells it. */
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The same delivery with another {@code lastError} (one scrubbed of secrets, say). */
    public AlertHealth withLastError(String lastError) {
        return new AlertHealth(endpoint, url, state, sent, failed, dropped, queued, lastError);
    }
}
