package dev.castrelay.config;

import java.util.Collection;

/**
 * Masking of stream keys and tokens, which must never reach a log, an API answer, the CLI, metrics or an
 * exception message. Everything masked reads {@value #MASK}.
 */
public final class Secrets {

    public static final String MASK = "****";

    private Secrets() {
    }

    /** {@value #MASK} for a secret that is set, null for one that is not. */
    public static String mask(String secret) {
        return secret == null ? null : MASK;
    }

    /**
     * A publish URL with its key masked: everything after the last slash of the path (where the key goes) and any
     * {@code user:password@} become {@value #MASK}. {@code rtmps://a.rtmps.youtube.com:443/live2/KEY} reads
     * {@code rtmps://a.rtmps.youtube.com:443/live2/****}. A URL ending in '/' is shown as is.
     *
     * <p>When the target is known, prefer {@link TargetConfig#maskedUrl()}: it knows where the key starts even
     * if the key itself holds a slash.
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int authorityStart = scheme < 0 ? 0 : scheme + 3;
        int pathStart = url.indexOf('/', authorityStart);
        String authority = pathStart < 0 ? url.substring(authorityStart) : url.substring(authorityStart, pathStart);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = MASK + authority.substring(at);
        }
        String head = url.substring(0, authorityStart) + authority;
        if (pathStart < 0) {
            // No path at all: a query glued to the host could still hold a key.
            int query = head.indexOf('?', authorityStart);
            return query < 0 ? head : head.substring(0, query + 1) + MASK;
        }
        String path = url.substring(pathStart);
        int lastSlash = path.lastIndexOf('/');
        String tail = path.substring(lastSlash + 1);
        return head + path.substring(0, lastSlash + 1) + (tail.isEmpty() ? "" : MASK);
    }

    /**
     * Replaces every occurrence of each secret in {@code text} with {@value #MASK}. For text that comes from
     * outside and may echo a key back, such as a platform's {@code onStatus} description or a peer's error.
     */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }
}
