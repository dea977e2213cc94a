package dev.castrelay.config;

/**
 * One {@code alerts} endpoint: an HTTP(S) URL that gets a POST per alert.
 *
 * @param url         {@code http://} or {@code https://}; may hold a token (a Slack webhook's path does), so it is
 *                    shown only through {@link #maskedUrl()}
 * @param format      the payload
 * @param downSeconds a target not live for this long while the ingest is raises {@code target.down}
 * @param tls         extra trust for {@code https://}, or null: the relay's global {@code tls}
 */
public record AlertConfig(String url, AlertFormat format, int downSeconds, TlsConfig tls) {

    /** The URL as it may be shown: {@code https://hooks.slack.com/services/T0/B0/****}. */
    public String maskedUrl() {
        return Secrets.maskUrl(url);
    }

    /** The URL is masked: it may hold a token. */
    @Override
    public String toString() {
        return "AlertConfig[url=" + maskedUrl() + ", format=" + format + ", downSeconds=" + downSeconds
                + ", tls=" + tls + "]";
    }
}
