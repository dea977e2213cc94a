package dev.castrelay.config;

/**
 * How a target retries (PRODUCT.md, "Reconnect"): after a network failure from 1 s doubling to {@code maxSeconds},
 * forever; after an explicit refusal by the platform to {@code refusedMaxSeconds}, and {@code failed} after
 * {@code maxRefusals} refusals in a row.
 */
public record ReconnectConfig(int maxSeconds, int refusedMaxSeconds, int maxRefusals) {
}
