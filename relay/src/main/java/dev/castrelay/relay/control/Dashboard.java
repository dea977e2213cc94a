package dev.castrelay.relay.control;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, served from the jar's {@code dashboard/} resources ({@code /} is its
 * {@code index.html}). Only plain file names are looked up, so a path can never climb out of that folder.
 */
final class Dashboard {

    record File(String contentType, byte[] bytes) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+\\.(html|js|css|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon");
    private static final byte[] PLACEHOLDER = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<title>castrelay</title></head><body><h1>castrelay</h1><p>The dashboard is not part of this build. "
            + "The API is at <code>/api/v1/health</code>.</p></body></html>").getBytes(StandardCharsets.UTF_8);

    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /** @param path {@code /} or {@code /dashboard/NAME} */
    File file(String path) {
        String name = path.equals("/") ? "index.html" : path.substring("/dashboard/".length());
        if (!NAME.matcher(name).matches()) {
            throw notFound(path);
        }
        File f = cache.computeIfAbsent(name, Dashboard::load);
        if (f.bytes() == null) {
            if (name.equals("index.html")) {
                return new File(TYPES.get("html"), PLACEHOLDER);
            }
            throw notFound(path);
        }
        return f;
    }

    private static File load(String name) {
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream("dashboard/" + name)) {
            return new File(type, in == null ? null : in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiError notFound(String path) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "not found", "no such path: " + path);
    }
}
