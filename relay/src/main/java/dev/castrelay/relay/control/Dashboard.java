package dev.castrelay.relay.control;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, served from the jar's {@code dashboard/} resources ({@code /} is its
 * {@code index.html}). Only plain file names are looked up, so a path can never climb out of that folder. A build
 * without the page's files is a packaging error: the relay refuses to start rather than serve a page that is not
 * there.
 */
final class Dashboard {

    record File(String contentType, byte[] bytes) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+\\.(html|js|css|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "ico", "image/x-icon");
    /** What the page needs to work at all. */
    static final List<String> REQUIRED = List.of("index.html", "app.js", "style.css");

    private final Map<String, File> cache = new ConcurrentHashMap<>();
    private final Function<String, InputStream> resources;

    Dashboard() {
        this(name -> Dashboard.class.getClassLoader().getResourceAsStream("dashboard/" + name));
    }

    /** @param resources a file of the page by name, or null when the build lacks it */
    Dashboard(Function<String, InputStream> resources) {
        this.resources = resources;
        for (String name : REQUIRED) {
            if (cache.computeIfAbsent(name, this::load).bytes() == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from this build "
                        + "(resource dashboard/" + name + "): a packaging error; rebuild the relay");
            }
        }
    }

    /** @param path {@code /} or {@code /dashboard/NAME} */
    File file(String path) {
        String name = path.equals("/") ? "index.html" : path.substring("/dashboard/".length());
        if (!NAME.matcher(name).matches()) {
            throw notFound(path);
        }
        File f = cache.computeIfAbsent(name, this::load);
        if (f.bytes() == null) {
            throw notFound(path);
        }
        return f;
    }

    private File load(String name) {
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        try (InputStream in = resources.apply(name)) {
            return new File(type, in == null ? null : in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiError notFound(String path) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "not found", "no such path: " + path);
    }
}
