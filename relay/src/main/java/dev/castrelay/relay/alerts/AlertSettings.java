package dev.castrelay.relay.alerts;

/**
 * How alerts are judged and delivered. {@link #DEFAULT} is what the relay runs with; tests shorten the timings.
 *
 * @param tickMillis       how often the health is read and compared
 * @param timeoutMillis    one delivery (connect, TLS, request, answer) must end within this
 * @param retryMillis      the first retry after a failed delivery; doubles up to {@code maxRetryMillis}
 * @param maxRetryMillis   the longest wait between two tries
 * @param queueCapacity    alerts an endpoint may have waiting; past it the oldest is dropped (and counted)
 * @param flushMillis      on shutdown, how long queued alerts may still go out
 */
public record AlertSettings(long tickMillis, long timeoutMillis, long retryMillis, long maxRetryMillis,
                            int queueCapacity, long flushMillis) {

    /**
     * Half a second between readings: well under any debounce. Five seconds for an answer: webhook services answer
     * in well under one, and a hung endpoint must not hold the queue long. Retries from 1 s to 1 min: an endpoint
     * down for an hour is tried once a minute. 100 queued: far more than an event's worth of transitions.
     */
    public static final AlertSettings DEFAULT = new AlertSettings(500, 5_000, 1_000, 60_000, 100, 2_000);

    public AlertSettings {
        if (tickMillis <= 0 || timeoutMillis <= 0 || retryMillis <= 0 || maxRetryMillis < retryMillis
                || queueCapacity <= 0 || flushMillis < 0) {
            throw new IllegalArgumentException("alert settings out of range: " + this);
        }
    }
}
