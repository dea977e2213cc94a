package dev.castrelay.config;

/**
 * The SRT ingest ({@code ingest.srt}): a listener for MPEG-TS over SRT, for encoders on lossy uplinks. Publishers
 * name their key in the SRT {@code streamid} ({@code #!::r=<app>/<streamKey>,m=publish} or plainly
 * {@code <app>/<streamKey>}), the primary's or the backup's, as over RTMP.
 *
 * @param listen        host:port (UDP) to bind
 * @param latencyMillis the receiver's retransmission window: lost packets are asked for again within it
 * @param passphrase    AES encryption of the whole connection, 10-79 characters; null for none. A secret
 */
public record SrtConfig(String listen, long latencyMillis, String passphrase) {

    /** The passphrase never printed: it reads {@code ****}. */
    @Override
    public String toString() {
        return "SrtConfig[listen=" + listen + ", latencyMillis=" + latencyMillis + ", passphrase="
                + Secrets.mask(passphrase) + "]";
    }
}
