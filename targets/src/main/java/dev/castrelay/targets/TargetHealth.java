package dev.castrelay.targets;

import java.time.Instant;

/**
 * A snapshot of one target for the health document, the CLI and metrics. {@code url} is already masked.
 */
public record TargetHealth(String id, String platform, String rendition, String url, TargetState state,
                           Instant since, long bitrateKbps, double fps, long queueMs, long droppedFrames,
                           long reconnects, long bytesSent, String lastError, Long nextRetryInMs) {
}
