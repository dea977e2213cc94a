package dev.castrelay.targets;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * A snapshot of one target for the health document, the CLI and metrics. {@code url} is already masked.
 * Each component is a field of the health document's {@code targets} entries, under the same name.
 */
public record TargetHealth(@JsonProperty(required = true) String id, @JsonProperty(required = true) String platform,
                           @JsonProperty(required = true) String rendition, String url,
                           @JsonProperty(required = true) TargetState state,
                           @JsonProperty(required = true) Instant since, long bitrateKbps, double fps, long queueMs,
                           long droppedFrames, long reconnects, long bytesSent, String lastError,
                           Long nextRetryInMs) {

    /** The same snapshot with another {@code lastError} (one scrubbed of secrets, say). */
    public TargetHealth withLastError(String lastError) {
        return new TargetHealth(id, platform, rendition, url, state, since, bitrateKbps, fps, queueMs, droppedFrames,
                reconnects, bytesSent, lastError, nextRetryInMs);
    }
}
