package dev.castrelay.relay.alerts;

import dev.castrelay.config.AlertConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery to one {@code alerts} endpoint: its own rules (its {@code downSeconds}), a bounded queue, one POST at a
 * time in order, and retries with backoff. An endpoint that is down keeps the newest alerts: past the capacity the
 * oldest is dropped and counted. A 4xx answer (other than 408 and 429) is the endpoint refusing that alert for
 * good, and a 3xx one will not change either (redirects are not followed: a POST's body would not survive most):
 * counted, logged, dropped, not retried.
 *
 * <p>Everything but the counters is owned by the alerts loop; {@link #health()} may be read from any thread.
 */
final class AlertEndpoint {

    private static final Logger log = LoggerFactory.getLogger(AlertEndpoint.class);

    private final String name;
    private final AlertConfig config;
    private final URI uri;
    private final String caFile;
    private final AlertSettings settings;
    private final EventLoop loop;
    private final WebhookClient client;
    private final AlertRules rules;
    // Owned by the loop.
    private final Deque<Alert> queue = new ArrayDeque<>();
    private Alert inFlight;
    private boolean retryScheduled;
    private int failuresInARow;
    // Read by any thread.
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile int queued;
    private volatile String lastError;
    private volatile boolean failing;

    AlertEndpoint(int index, AlertConfig config, String caFile, AlertSettings settings, EventLoop loop,
                  WebhookClient client) {
        this.name = "alerts[" + index + "]";
        this.config = config;
        this.uri = URI.create(config.url());
        this.caFile = caFile;
        this.settings = settings;
        this.loop = loop;
        this.client = client;
        this.rules = new AlertRules(config.downSeconds());
    }

    String name() {
        return name;
    }

    AlertRules rules() {
        return rules;
    }

    /** Queues {@code alert}; on the loop. */
    void offer(Alert alert) {
        queue.addLast(alert);
        while (queue.size() + (inFlight == null ? 0 : 1) > settings.queueCapacity()) {
            Alert oldest = queue.pollFirst();
            dropped.incrementAndGet();
            log.warn("alert endpoint {} ({}): queue full ({} alerts), dropped the oldest: {} {}", name,
                    config.maskedUrl(), settings.queueCapacity(), oldest.event().id(), subject(oldest));
        }
        queued = queue.size() + (inFlight == null ? 0 : 1);
        sendNext();
    }

    private void sendNext() {
        if (inFlight != null || retryScheduled || queue.isEmpty()) {
            return;
        }
        inFlight = queue.pollFirst();
        Alert alert = inFlight;
        Future<Integer> answer = client.post(uri, caFile, AlertPayload.body(alert, config.format()),
                settings.timeoutMillis());
        answer.addListener(f -> loop.execute(() -> answered(alert, f.isSuccess() ? (Integer) f.getNow() : null,
                f.cause())));
    }

    private void answered(Alert alert, Integer status, Throwable cause) {
        inFlight = null;
        if (status != null && status >= 200 && status < 300) {
            sent.incrementAndGet();
            if (failing) {
                log.info("alert endpoint {} ({}): delivering again", name, config.maskedUrl());
            }
            failing = false;
            failuresInARow = 0;
            lastError = null;
        } else {
            failed.incrementAndGet();
            failing = true;
            boolean redirected = status != null && status >= 300 && status < 400;
            boolean refused = redirected
                    || status != null && status >= 400 && status < 500 && status != 408 && status != 429;
            String error = status == null ? cause.getMessage()
                    : redirected ? "answered HTTP " + status + ": redirects are not followed, configure the URL "
                    + "it points to"
                    : "answered HTTP " + status + (refused ? ": the alert is refused" : "");
            if (refused) {
                // The endpoint will say no to this alert however often it is sent: move on.
                dropped.incrementAndGet();
                log.warn("alert endpoint {} ({}) {}: dropped {} {}", name, config.maskedUrl(), error,
                        alert.event().id(), subject(alert));
                failuresInARow = 0;
            } else {
                queue.addFirst(alert);
                failuresInARow++;
                long delay = retryDelay(failuresInARow);
                if (failuresInARow == 1 || !error.equals(lastError)) {
                    log.warn("alert endpoint {} ({}): {}; retrying in {} ms ({} queued)", name, config.maskedUrl(),
                            error, delay, queue.size());
                }
                retryScheduled = true;
                loop.schedule(() -> {
                    retryScheduled = false;
                    sendNext();
                }, delay, TimeUnit.MILLISECONDS);
            }
            lastError = error;
        }
        queued = queue.size();
        sendNext();
    }

    /** From {@code retryMillis}, doubling to {@code maxRetryMillis}, with up to 20% jitter off. */
    private long retryDelay(int failures) {
        long delay = settings.retryMillis() << Math.min(20, failures - 1);
        delay = Math.min(settings.maxRetryMillis(), delay);
        return delay - (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
    }

    private static String subject(Alert a) {
        return a.target() != null ? a.target() : a.rendition() != null ? a.rendition() : "ingest";
    }

    AlertHealth health() {
        return new AlertHealth(name, config.maskedUrl(), failing ? AlertHealth.State.FAILING : AlertHealth.State.OK,
                sent.get(), failed.get(), dropped.get(), queued, lastError);
    }
}
