package dev.castrelay.config;

/**
 * When the program switches between the primary and the backup input (PRODUCT.md, "Backup ingest").
 *
 * @param lossMillis         no video from the active input for this long (closed, frozen, audio only): switch to
 *                           the other input
 * @param returnAfterSeconds the primary has been healthy this long: switch back to it, at a keyframe
 */
public record FailoverConfig(long lossMillis, int returnAfterSeconds) {
}
