package dev.castrelay.rtmp;

import dev.castrelay.config.Secrets;

import java.net.URI;
import java.util.Locale;

/**
 * A publish URL split the way RTMP needs it: {@code rtmp[s]://host[:port]/<app>/<streamName>}, where the stream
 * name (the key) is everything after the last slash, exactly as given: keys may carry a query string and are never
 * split or re-encoded. {@link #toString()} masks the stream name.
 */
public record RtmpUrl(boolean tls, String host, int port, String app, String streamName) {

    public RtmpUrl {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("RTMP URL has no host");
        }
    }

    /** Parses a full publish URL (base URL and key already joined). */
    public static RtmpUrl parse(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        boolean tls;
        if (lower.startsWith("rtmps://")) {
            tls = true;
        } else if (lower.startsWith("rtmp://")) {
            tls = false;
        } else {
            throw new IllegalArgumentException("not an rtmp:// or rtmps:// URL: " + schemeOf(url));
        }
        String rest = url.substring(tls ? 8 : 7);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("RTMP URL has no application path after the host");
        }
        String authority = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        // The key starts after the last slash before its query string: a query may hold '/' (RFC 3986 3.4).
        int query = path.indexOf('?');
        int last = path.lastIndexOf('/', query < 0 ? path.length() : query);
        if (last < 0) {
            throw new IllegalArgumentException("RTMP URL needs /<app>/<stream key>");
        }
        URI hostPort = URI.create("//" + authority);
        if (hostPort.getHost() == null) {
            throw new IllegalArgumentException("RTMP URL has a bad host or port");
        }
        int port = hostPort.getPort() > 0 ? hostPort.getPort() : tls ? 443 : 1935;
        return new RtmpUrl(tls, hostPort.getHost(), port, path.substring(0, last), path.substring(last + 1));
    }

    private static String schemeOf(String url) {
        int colon = url.indexOf(':');
        return colon < 0 ? "no scheme" : url.substring(0, colon) + "://";
    }

    /** The tcUrl of the connect command: scheme, host, port and app, no key. */
    public String tcUrl() {
        return (tls ? "rtmps" : "rtmp") + "://" + host + ":" + port + "/" + app;
    }

    /** host:port, for messages. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return tcUrl() + "/" + Secrets.MASK;
    }
}
