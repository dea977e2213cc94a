package dev.castrelay.config;

/**
 * The RTMP ingest: where encoders publish ({@code rtmp://HOST:PORT/<app>/<streamKey>}).
 *
 * @param listen    host:port to bind
 * @param app       the RTMP application name
 * @param streamKey the key publishers must present; a secret, never printed
 * @param limits    protocol limits for every ingest connection
 * @param backupKey the key of the backup encoder ({@code ingest.backup.streamKey}); null without a backup input
 * @param failover  when the program switches between the inputs
 * @param srt       the SRT listener ({@code ingest.srt}); null without one
 */
public record IngestConfig(String listen, String app, String streamKey, RtmpLimitsConfig limits, String backupKey,
                           FailoverConfig failover, SrtConfig srt) {

    public IngestConfig {
        failover = failover == null ? Defaults.failover() : failover;
    }

    /** A single input, no backup. */
    public IngestConfig(String listen, String app, String streamKey, RtmpLimitsConfig limits) {
        this(listen, app, streamKey, limits, null, null, null);
    }

    /** RTMP only, no SRT listener. */
    public IngestConfig(String listen, String app, String streamKey, RtmpLimitsConfig limits, String backupKey,
                        FailoverConfig failover) {
        this(listen, app, streamKey, limits, backupKey, failover, null);
    }

    public boolean hasBackup() {
        return backupKey != null;
    }

    /** The stream key never printed: it reads {@code ****}. */
    @Override
    public String toString() {
        return "IngestConfig[listen=" + listen + ", app=" + app + ", streamKey=" + Secrets.mask(streamKey)
                + ", limits=" + limits + ", backupKey=" + Secrets.mask(backupKey) + ", failover=" + failover + ", srt=" + srt + "]";
    }
}
