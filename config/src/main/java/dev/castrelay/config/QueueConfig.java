package dev.castrelay.config;

/**
 * Isolation limits of one pusher.
 *
 * @param maxMillis    media duration the queue may hold before whole GOPs are dropped
 * @param maxBytes     bytes the queue may hold before whole GOPs are dropped
 * @param stallSeconds nothing drained for this long: reconnect
 */
public record QueueConfig(long maxMillis, long maxBytes, int stallSeconds) {
}
