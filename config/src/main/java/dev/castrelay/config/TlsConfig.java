package dev.castrelay.config;

/**
 * Extra trust for {@code rtmps://}: the system trust store is always used, {@code caFile} adds to it.
 *
 * @param caFile a PEM file of CA certificates, or null
 */
public record TlsConfig(String caFile) {
}
