package dev.castrelay.relay.control;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The control API's bearer token and which paths need it: everything under {@code /api/}, and {@code /metrics}
 * unless it is public. The dashboard's files hold no data and are served without one (a browser cannot send a
 * token with a page load). Compared as digests, so the check takes the same time whatever token was sent.
 */
final class BearerToken {

    static final String API = "/api/v1/";

    private final byte[] digest;
    private final boolean publicMetrics;

    BearerToken(String token, boolean publicMetrics) {
        this.digest = sha256(token);
        this.publicMetrics = publicMetrics;
    }

    /** Whether a request for {@code path} must carry the token. */
    boolean protects(String path) {
        return path.startsWith(API) || path.equals("/metrics") && !publicMetrics;
    }

    /** Null when the request carries the token; otherwise what is wrong, for the 401's detail. */
    String problem(HttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            return "no token: send 'Authorization: Bearer <token>'";
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "expected 'Authorization: Bearer <token>'";
        }
        if (!MessageDigest.isEqual(digest, sha256(header.substring(7).trim()))) {
            return "the token is not the relay's control.token";
        }
        return null;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
