package dev.castrelay.relay.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.config.Secrets;
import dev.castrelay.relay.Relay;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.ingest.IngestState;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/events}: server-sent events. Every 250 ms the health is read and compared with the last
 * reading; each target or ingest state change becomes an event at once ({@code event: target},
 * {@code event: ingest}), and every second the whole health document goes out ({@code event: health}).
 * Polling rather than callbacks keeps the pushers free of listeners and costs four cheap snapshots a second,
 * and only while someone is subscribed.
 *
 * <p>Runs on one executor: the subscriber list and the last reading are owned by it. A subscriber whose socket
 * cannot take more (it stopped reading) is dropped rather than buffered without bound.
 */
public final class EventStream implements AutoCloseable {

    static final long TICK_MILLIS = 250;
    static final int HEALTH_EVERY_TICKS = 4;
    /** Dashboards and scripts, not an audience: a handful is plenty, and each costs a socket and writes. */
    static final int MAX_SUBSCRIBERS = 32;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Relay relay;
    private final Supplier<List<String>> secrets;
    private final EventExecutor executor;
    // Owned by the executor.
    /** Runs while anyone is subscribed: with nobody to tell, the relay's CPU is all the broadcast's. */
    private ScheduledFuture<?> ticker;
    private boolean closed;
    private final List<Channel> subscribers = new ArrayList<>();
    private Map<String, TargetState> lastTargets = new HashMap<>();
    private IngestState lastIngest;
    private RelayHealth lastHealth;
    private long ticks;

    public EventStream(Relay relay, Supplier<List<String>> secrets, EventExecutor executor) {
        this.relay = relay;
        this.secrets = secrets;
        this.executor = executor;
    }

    /** Answers the request on {@code ch} with the event stream, starting with the current health. */
    public void subscribe(Channel ch) {
        executor.execute(() -> {
            if (closed) {
                ch.close();
                return;
            }
            if (subscribers.size() >= MAX_SUBSCRIBERS) {
                ControlHandler.sendError(ch, new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "too many event streams", subscribers.size() + " are open, the maximum is "
                        + MAX_SUBSCRIBERS), false);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set("X-Accel-Buffering", "no");
            HttpUtil.setTransferEncodingChunked(head, true);
            ch.write(head);
            subscribers.add(ch);
            ch.closeFuture().addListener(f -> executor.execute(() -> unsubscribe(ch)));
            if (ticker == null) {
                ticker = executor.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (lastHealth == null) {
                observe(relay.health()); // the baseline later changes are told against
            }
            send(ch, "health", HealthDocument.toJson(lastHealth, secrets.get()));
        });
    }

    private void unsubscribe(Channel ch) {
        subscribers.remove(ch);
        if (subscribers.isEmpty() && ticker != null) {
            ticker.cancel(false);
            ticker = null;
            lastHealth = null; // the next subscriber starts from a fresh reading
        }
    }

    private void tick() {
        RelayHealth h;
        try {
            h = relay.health();
        } catch (RuntimeException e) {
            return; // the relay is shutting down
        }
        List<ObjectNode> changes = observe(h);
        for (ObjectNode change : changes) {
            broadcast(change.has("id") ? "target" : "ingest", change);
        }
        if (++ticks % HEALTH_EVERY_TICKS == 0) {
            broadcast("health", HealthDocument.toJson(h, secrets.get()));
        }
    }

    /** Remembers {@code h} and returns what changed since the last reading. */
    private List<ObjectNode> observe(RelayHealth h) {
        List<ObjectNode> changes = new ArrayList<>();
        IngestState ingest = h.ingest().state();
        if (lastIngest != null && ingest != lastIngest) {
            changes.add(NODES.objectNode().put("previous", lastIngest.id()).put("state", ingest.id())
                    .put("since", h.ingest().since().toString()));
        }
        Map<String, TargetState> now = new HashMap<>();
        for (TargetHealth t : h.targets()) {
            now.put(t.id(), t.state());
            TargetState before = lastTargets.get(t.id());
            if (lastHealth != null && before != t.state()) {
                changes.add(NODES.objectNode().put("id", t.id())
                        .put("previous", before == null ? null : before.id()).put("state", t.state().id())
                        .put("since", t.since().toString())
                        .put("lastError", Secrets.redact(t.lastError(), secrets.get())));
            }
        }
        if (lastHealth != null) {
            for (String gone : lastTargets.keySet()) {
                if (!now.containsKey(gone)) {
                    changes.add(NODES.objectNode().put("id", gone).put("previous", lastTargets.get(gone).id())
                            .put("state", "removed").put("since", Instant.now().toString()));
                }
            }
        }
        lastTargets = now;
        lastIngest = ingest;
        lastHealth = h;
        return changes;
    }

    private void broadcast(String event, JsonNode data) {
        for (Channel ch : List.copyOf(subscribers)) {
            if (!ch.isWritable()) {
                // It stopped reading: drop it rather than hold its backlog.
                subscribers.remove(ch);
                ch.close(); // its close listener stops the ticker if it was the last
            } else {
                send(ch, event, data);
            }
        }
    }

    private static void send(Channel ch, String event, JsonNode data) {
        String text = "event: " + event + "\ndata: " + data + "\n\n";
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void close() {
        executor.execute(() -> {
            closed = true;
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
            for (Channel ch : List.copyOf(subscribers)) {
                ch.close();
            }
            subscribers.clear();
        });
    }
}
