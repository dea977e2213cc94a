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
 */
public record TargetConfig(String id, Platform platform, String url, String key, String rendition,
                           boolean enabled, TlsConfig tls, QueueConfig queue) {
}
