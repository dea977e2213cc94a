package dev.castrelay.config;

/**
 * One destination.
 *
 * @param id        unique, chosen by the operator
 * @param platform  preset giving the default URL and the platform's rules
 * @param url       the ingest URL without the key (null: the platform's default)
 * @param key       the stream key, appended after the URL's last slash exactly as given; a secret
 * @param rendition the id of the rendition it carries
 * @param enabled   disabled targets are kept but not pushed
 * @param tls       extra trust for this target, or null
 * @param queue     queue and stall limits of its pusher
 * @param reconnect how it retries; null: the relay's {@code reconnect}
 * @param archive   an {@code archive} target's segment length and free-space floor; null for the others
 */
public record TargetConfig(String id, Platform platform, String url, String key, String rendition,
                           boolean enabled, TlsConfig tls, QueueConfig queue, ReconnectConfig reconnect,
                           ArchiveConfig archive) {

    /** A target that is no archive. */
    public TargetConfig(String id, Platform platform, String url, String key, String rendition, boolean enabled,
                        TlsConfig tls, QueueConfig queue, ReconnectConfig reconnect) {
        this(id, platform, url, key, rendition, enabled, tls, queue, reconnect, null);
    }

    /** A target that retries as the relay's {@code reconnect} says. */
    public TargetConfig(String id, Platform platform, String url, String key, String rendition, boolean enabled,
                        TlsConfig tls, QueueConfig queue) {
        this(id, platform, url, key, rendition, enabled, tls, queue, null, null);
    }

    /** The URL to use: {@code url}, or the platform's default when none is given (null if neither). */
    public String effectiveUrl() {
        if (url != null) {
            return url;
        }
        return platform == null ? null : platform.defaultUrl();
    }

    /**
     * The URL a pusher connects and publishes to: the key appended after the URL's last slash exactly as given.
     * A key may hold a query string ({@code abcd?bandwidthtest=true}), so it is never split or re-encoded; a '/'
     * is inserted when the URL does not end with one. Without a key, the URL alone.
     *
     * <p>This string holds the key: give it to the RTMP client and nothing else; show {@link #maskedUrl()}.
     */
    public String publishUrl() {
        String base = effectiveUrl();
        if (base == null || key == null || key.isEmpty()) {
            return base;
        }
        return (base.endsWith("/") ? base : base + "/") + key;
    }

    /** The publish URL as it may be shown: {@code rtmps://a.rtmps.youtube.com:443/live2/****}. */
    public String maskedUrl() {
        String base = effectiveUrl();
        if (base == null) {
            return null;
        }
        if (platform == Platform.ARCHIVE) {
            return base; // a directory, no secret
        }
        if (key == null || key.isEmpty()) {
            // A custom URL may carry its key in the path.
            return Secrets.maskUrl(base);
        }
        return (base.endsWith("/") ? base : base + "/") + Secrets.MASK;
    }

    public boolean isArchive() {
        return platform == Platform.ARCHIVE;
    }

    public boolean hasKey() {
        return key != null && !key.isEmpty();
    }

    public TargetConfig withEnabled(boolean enabled) {
        return new TargetConfig(id, platform, url, key, rendition, enabled, tls, queue, reconnect, archive);
    }

    /** Keys never printed: the key reads {@code ****}, the URL is masked. */
    @Override
    public String toString() {
        return "TargetConfig[id=" + id + ", platform=" + (platform == null ? null : platform.id())
                + ", url=" + (url == null ? null : Secrets.maskUrl(url)) + ", key=" + Secrets.mask(key)
                + ", rendition=" + rendition + ", enabled=" + enabled + ", tls=" + tls + ", queue=" + queue + ", reconnect=" + reconnect
                + (archive == null ? "" : ", archive=" + archive) + "]";
    }
}
