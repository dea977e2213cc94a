package dev.castrelay.relay.alerts;

import dev.castrelay.config.AlertConfig;
import dev.castrelay.config.RelayConfig;
import dev.castrelay.config.TlsConfig;
import dev.castrelay.ingest.InputSelector;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.targets.TlsContexts;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@code alerts} of PRODUCT.md, off the media path: one event loop of their own reads the relay's health every
 * {@code tickMillis}, gives it to each endpoint's {@link AlertRules}, and delivers what they return
 * ({@link AlertEndpoint}). Failovers come from the {@link InputSelector}'s switch, handed over to the same loop. No
 * media thread ever waits for an alert: the health snapshot is the only thing read from the relay, and a hung
 * endpoint holds only its own queue.
 */
public final class Alerts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final EventLoopGroup group = Transport.newGroup(1, "alerts");
    private final EventLoop loop = group.next();
    private final Supplier<RelayHealth> health;
    private final Supplier<? extends Collection<String>> secrets;
    private final Clock clock;
    private final List<AlertEndpoint> endpoints = new ArrayList<>();
    private final ScheduledFuture<?> ticker;
    private final AlertSettings settings;
    private volatile boolean closed;

    private Alerts(RelayConfig config, Supplier<RelayHealth> health, Supplier<? extends Collection<String>> secrets,
                   AlertSettings settings, Clock clock) {
        this.health = health;
        this.secrets = secrets;
        this.settings = settings;
        this.clock = clock;
        WebhookClient client = new WebhookClient(loop, new TlsContexts());
        for (int i = 0; i < config.alerts().size(); i++) {
            AlertConfig a = config.alerts().get(i);
            TlsConfig tls = config.tlsFor(a);
            endpoints.add(new AlertEndpoint(i, a, tls == null ? null : tls.caFile(), settings, loop, client));
            log.info("alerts to {} ({}, target.down after {} s)", endpoints.get(i).name() + " " + a.maskedUrl(),
                    a.format().id(), a.downSeconds());
        }
        ticker = loop.scheduleAtFixedRate(this::tick, settings.tickMillis(), settings.tickMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching {@code health} for the endpoints of {@code config} (which must have some).
     *
     * @param secrets every key and token: masked in an alert should a platform's error text echo one
     */
    public static Alerts start(RelayConfig config, Supplier<RelayHealth> health,
                               Supplier<? extends Collection<String>> secrets, AlertSettings settings) {
        return new Alerts(config, health, secrets, settings, Clock.systemUTC());
    }

    /** An input switch: handed to the alerts loop at once (this runs on a media thread, under the selector's lock). */
    public void onSwitch(InputSelector.Switch s) {
        Instant at = clock.instant();
        if (!closed) {
            loop.execute(() -> {
                for (AlertEndpoint e : endpoints) {
                    e.offer(e.rules().failover(s, at));
                }
            });
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        RelayHealth h;
        try {
            h = health.get();
        } catch (RuntimeException e) {
            return; // the relay is shutting down
        }
        Instant now = clock.instant();
        Collection<String> known = secrets.get();
        for (AlertEndpoint e : endpoints) {
            for (Alert a : e.rules().next(h, now, known)) {
                e.offer(a);
            }
        }
    }

    /** Each endpoint's delivery, in config order. */
    public List<AlertHealth> health() {
        return endpoints.stream().map(AlertEndpoint::health).toList();
    }

    /**
     * Stops judging (a relay shutting down raises nothing), lets what is queued go out for up to
     * {@code flushMillis}, then stops the loop.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.cancel(false);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.flushMillis());
        while (System.nanoTime() < deadline && !allIdle()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    private boolean allIdle() {
        return endpoints.stream().allMatch(e -> e.health().queued() == 0);
    }
}
