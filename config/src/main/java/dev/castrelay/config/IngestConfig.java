package dev.castrelay.config;

/**
 * The RTMP ingest: where encoders publish ({@code rtmp://HOST:PORT/<app>/<streamKey>}).
 *
 * @param listen    host:port to bind
 * @param app       the RTMP application name
 * @param streamKey the key publishers must present; a secret, never printed
 * @param limits    protocol limits for every ingest connection
 */
public record IngestConfig(String listen, String app, String streamKey, RtmpLimitsConfig limits) {

    /** The stream key never printed: it reads {@code ****}. */
    @Override
    public String toString() {
        return "IngestConfig[listen=" + listen + ", app=" + app + ", streamKey=" + Secrets.mask(streamKey)
                + ", limits=" + limits + "]";
    }
}
