package dev.castrelay.config;

import java.net.URI;
import java.net.URISyntaxException;

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

    /**
     * The URL as it may be shown: {@code https://hooks.slack.com/****}. The whole path and query are masked, not
     * only the last segment as for a stream key: webhook services put their token anywhere in them (Slack and
     * Discord at the end, Telegram's {@code /bot<token>/sendMessage} in the middle, others in the query).
     */
    public String maskedUrl() {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Secrets.maskUrl(url);
            }
            boolean more = uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                    || uri.getRawQuery() != null;
            return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : Secrets.MASK + "@") + uri.getHost()
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + "/" + (more ? Secrets.MASK : "");
        } catch (URISyntaxException e) {
            return Secrets.maskUrl(url);
        }
    }

    /** The URL is masked: it may hold a token. */
    @Override
    public String toString() {
        return "AlertConfig[url=" + maskedUrl() + ", format=" + format + ", downSeconds=" + downSeconds
                + ", tls=" + tls + "]";
    }
}
