package dev.castrelay.relay.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.castrelay.config.Secrets;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.relay.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The control API's one handler: checks the bearer token, routes by path and method, and turns every
 * {@link ApiError} into its JSON answer. Each request is handed to the API's own executor, one at a time, so a
 * state-file fsync or a metrics scrape never holds up an event loop.
 *
 * <p>Paths: {@code /api/v1/health}, {@code /api/v1/targets[/{id}[/restart]]}, {@code /api/v1/events},
 * {@code /metrics}, and the dashboard at {@code /} and {@code /dashboard/*}. The dashboard's files are static and
 * hold no data; they are served without a token (a browser cannot send one with a page load) and the page asks
 * for the token to call the API.
 */
@Sharable
final class ControlHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String API = BearerToken.API;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Relay relay;
    private final BearerToken token;
    private final TargetsApi targets;
    private final EventStream events;
    private final RelayMetrics metrics;
    private final Dashboard dashboard;
    private final Supplier<List<String>> secrets;
    private final EventExecutor apiExecutor;

    ControlHandler(EventExecutor apiExecutor, Relay relay, BearerToken token, TargetsApi targets,
                   EventStream events,
                   RelayMetrics metrics, Dashboard dashboard, Supplier<List<String>> secrets) {
        this.relay = relay;
        this.token = token;
        this.targets = targets;
        this.events = events;
        this.metrics = metrics;
        this.dashboard = dashboard;
        this.secrets = secrets;
        this.apiExecutor = apiExecutor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        req.retain();
        try {
            apiExecutor.execute(() -> {
                try {
                    handle(ctx, req);
                } finally {
                    req.release();
                }
            });
        } catch (RejectedExecutionException e) {
            req.release(); // shutting down
            ctx.close();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            sendError(ctx.channel(), ApiError.badRequest("bad request", "the request could not be read: "
                    + req.decoderResult().cause().getMessage()), false);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        try {
            if (path.equals("/") || path.startsWith("/dashboard/")) {
                allow(req, HttpMethod.GET, HttpMethod.HEAD);
                Dashboard.File f = dashboard.file(path);
                send(ctx.channel(), HttpResponseStatus.OK, f.contentType(),
                        req.method() == HttpMethod.HEAD ? new byte[0] : f.bytes(), keepAlive, null);
            } else if (path.equals("/metrics")) {
                authorize(req, path);
                allow(req, HttpMethod.GET);
                send(ctx.channel(), HttpResponseStatus.OK, PROMETHEUS_TEXT,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8), keepAlive, null);
            } else if (path.startsWith(API)) {
                authorize(req, path);
                api(ctx.channel(), req, path.substring(API.length()), keepAlive);
            } else {
                throw new ApiError(HttpResponseStatus.NOT_FOUND, "not found", "no such path: " + path);
            }
        } catch (ApiError e) {
            sendError(ctx.channel(), e, keepAlive);
        } catch (RuntimeException e) {
            log.warn("control API: {} {} failed: {}", req.method(), path, e.toString());
            sendError(ctx.channel(), new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error",
                    e.getClass().getSimpleName()), false);
        }
    }

    private void api(Channel ch, FullHttpRequest req, String rest, boolean keepAlive) {
        String[] parts = rest.split("/", -1);
        TargetsApi.Answer answer;
        if (rest.equals("health")) {
            allow(req, HttpMethod.GET);
            answer = TargetsApi.Answer.ok(HealthDocument.toJson(relay.health(), secrets.get()));
        } else if (rest.equals("thumbnail")) {
            allow(req, HttpMethod.GET);
            // Answered when the picture is ready, so the API's executor never waits for one. ?input=primary|backup
            // is that input's latest keyframe (a standby input too); without it, what is on air.
            String which = new QueryStringDecoder(req.uri()).parameters().getOrDefault("input", List.of()).stream()
                    .findFirst().orElse(null);
            InputRole role = which == null ? null : InputRole.fromId(which);
            if (which != null && role == null) {
                throw ApiError.badRequest("bad input", "expected ?input=primary or ?input=backup; got \"" + which
                        + "\"");
            }
            (role == null ? relay.thumbnail(Duration.ofMillis(1500)) : relay.inputThumbnail(role)).thenAccept(jpeg -> {
                if (jpeg.isPresent()) {
                    send(ch, HttpResponseStatus.OK, "image/jpeg", jpeg.get(), keepAlive, null);
                } else {
                    sendError(ch, new ApiError(HttpResponseStatus.NOT_FOUND, "no picture", role == null
                            ? "no transcoded rendition on air to take a thumbnail of"
                            : "the " + role.id() + " input is not live or has sent no keyframe yet"), keepAlive);
                }
            });
            return;
        } else if (rest.equals("events")) {
            allow(req, HttpMethod.GET);
            events.subscribe(ch);
            return;
        } else if (rest.equals("ingest/active")) {
            allow(req, HttpMethod.PUT);
            answer = useInput(body(req));
        } else if (rest.equals("targets")) {
            allow(req, HttpMethod.GET, HttpMethod.POST);
            answer = req.method() == HttpMethod.GET ? targets.list() : targets.add(body(req));
        } else if (parts.length == 2 && parts[0].equals("targets") && !parts[1].isEmpty()) {
            allow(req, HttpMethod.GET, HttpMethod.PATCH, HttpMethod.DELETE);
            String id = parts[1];
            if (req.method() == HttpMethod.GET) {
                answer = targets.get(id);
            } else if (req.method() == HttpMethod.PATCH) {
                answer = targets.patch(id, body(req));
            } else {
                answer = targets.remove(id);
            }
        } else if (parts.length == 3 && parts[0].equals("targets") && !parts[1].isEmpty()
                && parts[2].equals("restart")) {
            allow(req, HttpMethod.POST);
            answer = targets.restart(parts[1]);
        } else {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "not found", "no such path: " + API + rest);
        }
        byte[] bytes = answer.body() == null ? new byte[0] : toBytes(answer.body());
        send(ch, answer.status(), answer.body() == null ? null : "application/json", bytes, keepAlive,
                answer.location());
    }

    /** {@code PUT /api/v1/ingest/active} with {@code {"input": "primary|backup|auto"}}. */
    private TargetsApi.Answer useInput(String body) {
        String input;
        try {
            input = JSON.readTree(body).path("input").asText(null);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("bad JSON", e.getOriginalMessage());
        }
        InputRole role = InputRole.fromId(input);
        if (role == null && !"auto".equals(input)) {
            throw ApiError.badRequest("bad input", "expected {\"input\": \"primary\"}, \"backup\" or \"auto\"; got "
                    + (input == null ? "no input" : "\"" + input + "\""));
        }
        try {
            targets.useInput(role);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("no such input", e.getMessage());
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("active", relay.inputs().active() == null ? null : relay.inputs().active().id());
        o.put("mode", relay.inputs().mode().id());
        return TargetsApi.Answer.ok(o);
    }

    private void authorize(FullHttpRequest req, String path) {
        String problem = token.protects(path) ? token.problem(req) : null;
        if (problem != null) {
            throw unauthorized(problem);
        }
    }

    private static ApiError unauthorized(String detail) {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", detail);
    }

    private static void allow(FullHttpRequest req, HttpMethod... methods) {
        for (HttpMethod m : methods) {
            if (m.equals(req.method())) {
                return;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (HttpMethod m : methods) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(m.name());
        }
        throw ApiError.methodNotAllowed(req.method().name(), allowed.toString());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("control API connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static String body(FullHttpRequest req) {
        return req.content().toString(StandardCharsets.UTF_8);
    }

    /**
     * Parses a request body.
     *
     * @throws ApiError 400 naming where and why the JSON is broken (quoted text masked: it could be a key)
     */
    static JsonNode parseJson(String text) {
        if (text.isBlank()) {
            throw ApiError.badRequest("invalid JSON", "a JSON body is required");
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Parser messages quote the text around the error, which could be a key: long quoted runs are masked.
            String reason = e.getOriginalMessage() == null ? ""
                    : e.getOriginalMessage().lines().findFirst().orElse("");
            reason = reason.replaceAll("'[^']{4,}'", "'" + Secrets.MASK + "'")
                    .replaceAll("\"[^\"]{4,}\"", "\"" + Secrets.MASK + "\"");
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.badRequest("invalid JSON", "not valid JSON" + where + ": " + reason);
        }
    }

    private static byte[] toBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sendError(Channel ch, ApiError e, boolean keepAlive) {
        ObjectNode body = JSON.createObjectNode().put("error", e.error()).put("detail", e.detail());
        send(ch, e.status(), "application/json", toBytes(body), keepAlive, null, e.allow());
    }

    private static void send(Channel ch, HttpResponseStatus status, String contentType, byte[] bytes,
                             boolean keepAlive, String location) {
        send(ch, status, contentType, bytes, keepAlive, location, null);
    }

    private static void send(Channel ch, HttpResponseStatus status, String contentType, byte[] bytes,
                             boolean keepAlive, String location, String allow) {
        ByteBuf content = Unpooled.wrappedBuffer(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (contentType != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (location != null) {
            res.headers().set(HttpHeaderNames.LOCATION, location);
        }
        if (allow != null) {
            res.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        if (status == HttpResponseStatus.UNAUTHORIZED) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"castrelay\"");
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(res, bytes.length);
        HttpUtil.setKeepAlive(res, keepAlive);
        ChannelFuture f = ch.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
