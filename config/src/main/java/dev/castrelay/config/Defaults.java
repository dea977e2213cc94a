package dev.castrelay.config;

/**
 * Every default of {@code relay.yaml}, in one place. The loader fills absent keys from here; code that builds a
 * config by hand (tests, {@code relay demo}) should use the same values.
 */
public final class Defaults {

    public static final String INGEST_LISTEN = "0.0.0.0:1935";
    public static final String INGEST_APP = "live";
    /** SRT's customary port (OBS, vMix and SRT Live Server use it too). */
    public static final String SRT_LISTEN = "0.0.0.0:9000";
    /**
     * Half a second of retransmission window: a few round trips of a distant or cellular uplink (SRT's own default,
     * 120 ms, suits a LAN); the platforms' delay grows by as much.
     */
    public static final long SRT_LATENCY_MILLIS = 500;

    /** Loopback: the API is reachable from other machines only when configured so. */
    public static final String CONTROL_LISTEN = "127.0.0.1:8686";
    public static final boolean CONTROL_PUBLIC_METRICS = false;

    public static final String STATE_FILE = "relay-state.json";

    public static final String SLATE_TEXT = "We'll be right back";
    public static final int SLATE_MAX_SECONDS = 600;
    /** Viewers of an audio-only broadcast see it is live. */
    public static final AudioVisual SLATE_AUDIO_VISUAL = AudioVisual.WAVES;

    /** Far above what encoders announce (4096 is typical), small enough that one chunk cannot hog memory. */
    public static final int RTMP_MAX_CHUNK_SIZE = 65_536;
    /**
     * 10 MiB holds a keyframe of any sane live bitrate. 16 MiB would be no limit at all: RTMP's message length is a
     * 24-bit field, so nothing larger than 16 MiB - 1 can be announced.
     */
    public static final int RTMP_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;
    /** Encoders use 3 to 8 chunk streams; 64 leaves room and bounds the per-connection state. */
    public static final int RTMP_MAX_CHUNK_STREAMS = 64;
    public static final long RTMP_HANDSHAKE_TIMEOUT_MS = 10_000;
    public static final long RTMP_IDLE_TIMEOUT_MS = 30_000;
    /**
     * A tenth of a second between ingest read batches: ten wake-ups a second at any bitrate, and a small share of any
     * platform's buffering.
     */
    public static final long INGEST_READ_INTERVAL_MS = 100;
    /** 256 KiB per read call: a 50 Mb/s batch (625 KB) in three reads. */
    public static final int INGEST_READ_BUFFER_BYTES = 256 * 1024;
    /**
     * 0: the kernel's receive-buffer autotuning, which grows to what the stream needs (megabytes); a fixed SO_RCVBUF
     * is capped by {@code net.core.rmem_max} and turns autotuning off.
     */
    public static final int INGEST_RECEIVE_BUFFER_BYTES = 0;
    /** A keyframe of the largest message plus the audio around it. */
    public static final int RTMP_MAX_BUFFERED_BYTES = RTMP_MAX_MESSAGE_SIZE + 1024 * 1024;
    /** An encoder's commands before its first media are a few hundred bytes each. */
    public static final int RTMP_COMMAND_BUFFERED_BYTES = 64 * 1024;
    /** Encoders publish within a second of connecting; ten leaves room for a slow link. */
    public static final long INGEST_PUBLISH_TIMEOUT_MS = 10_000;
    /** A primary, a backup and their retries fit many times over; a flood costs at most 64 x 64 KiB. */
    public static final int INGEST_MAX_UNAUTHENTICATED = 64;
    public static final int INGEST_MAX_UNAUTHENTICATED_PER_ADDRESS = 8;

    public static final String VIDEO_CODEC = "h264";
    public static final Fit VIDEO_FIT = Fit.CROP;
    public static final double VIDEO_FPS = 30;
    /** Two seconds is what YouTube, Facebook, Instagram, Twitch and LinkedIn all recommend. */
    public static final double VIDEO_KEYFRAME_SECONDS = 2;
    public static final String VIDEO_PRESET = "veryfast";
    public static final String VIDEO_PROFILE = "high";

    public static final String AUDIO_CODEC = "aac";
    /** 128k is the most Facebook, X and LinkedIn accept. */
    public static final long AUDIO_BITRATE = 128_000;
    public static final int AUDIO_SAMPLE_RATE = 48_000;
    public static final int AUDIO_CHANNELS = 2;

    /** Media time a pusher may hold before it drops whole GOPs: a few GOPs of slack for network hiccups. */
    public static final long QUEUE_MAX_MILLIS = 8_000;
    public static final long QUEUE_MAX_BYTES = 64L * 1024 * 1024;
    public static final int QUEUE_STALL_SECONDS = 10;

    /** The first retry after a connection to a platform ended; each next one doubles up to reconnect.maxSeconds. */
    public static final long RECONNECT_INITIAL_MILLIS = 1_000;
    /** A connection live this long starts the reconnect delays over from the first. */
    public static final long RECONNECT_RESET_AFTER_MILLIS = 10_000;
    /** A platform that has not accepted the TCP (and TLS) connection within this is retried. */
    public static final int TARGET_CONNECT_TIMEOUT_MILLIS = 10_000;
    /** After FCUnpublish and deleteStream, a platform that never closes is cut off after this. */
    public static final long TARGET_UNPUBLISH_TIMEOUT_MILLIS = 2_000;

    public static final boolean TARGET_ENABLED = true;

    /** Half an hour per archive file: a size any tool opens, and little lost to a broken file. */
    public static final double ARCHIVE_SEGMENT_MINUTES = 30;
    /** A gigabyte left free for the system and its logs when the archive's disk fills up. */
    public static final long ARCHIVE_MIN_FREE_MB = 1024;

    /** A second without video from the active input is an outage, not jitter: switch. */
    public static final long FAILOVER_LOSS_MILLIS = 1_000;
    /** The primary must prove itself this long before it takes the program back. */
    public static final int FAILOVER_RETURN_AFTER_SECONDS = 10;

    /** A platform back from an outage of any length is live again within this (OBS retries every 2 s). */
    public static final int RECONNECT_MAX_SECONDS = 5;
    /** A platform that said no is not hammered. */
    public static final int RECONNECT_REFUSED_MAX_SECONDS = 60;
    public static final int RECONNECT_MAX_REFUSALS = 3;

    public static final AlertFormat ALERT_FORMAT = AlertFormat.JSON;
    /**
     * A target not live for this long, while the ingest is, raises {@code target.down}: longer than a platform's
     * blip and a reconnect's backoff (5 s), short enough that an operator can still act during the event.
     */
    public static final int ALERT_DOWN_SECONDS = 30;

    /** A config file larger than this is refused before parsing. */
    public static final int MAX_CONFIG_BYTES = 1024 * 1024;
    /** A {@code ${file:PATH}} larger than this is refused: it holds a key or a token, not a document. */
    public static final int MAX_SUBSTITUTED_FILE_BYTES = 64 * 1024;

    private Defaults() {
    }

    public static RtmpLimitsConfig rtmpLimits() {
        return new RtmpLimitsConfig(RTMP_MAX_CHUNK_SIZE, RTMP_MAX_MESSAGE_SIZE, RTMP_MAX_CHUNK_STREAMS,
                RTMP_HANDSHAKE_TIMEOUT_MS, RTMP_IDLE_TIMEOUT_MS, INGEST_READ_INTERVAL_MS, INGEST_READ_BUFFER_BYTES,
                INGEST_RECEIVE_BUFFER_BYTES, RTMP_MAX_BUFFERED_BYTES, RTMP_COMMAND_BUFFERED_BYTES,
                INGEST_PUBLISH_TIMEOUT_MS, INGEST_MAX_UNAUTHENTICATED, INGEST_MAX_UNAUTHENTICATED_PER_ADDRESS);
    }

    public static FailoverConfig failover() {
        return new FailoverConfig(FAILOVER_LOSS_MILLIS, FAILOVER_RETURN_AFTER_SECONDS);
    }

    public static ReconnectConfig reconnect() {
        return new ReconnectConfig(RECONNECT_MAX_SECONDS, RECONNECT_REFUSED_MAX_SECONDS, RECONNECT_MAX_REFUSALS);
    }

    public static QueueConfig queue() {
        return new QueueConfig(QUEUE_MAX_MILLIS, QUEUE_MAX_BYTES, QUEUE_STALL_SECONDS);
    }

    public static AudioConfig audio() {
        return new AudioConfig(AUDIO_CODEC, AUDIO_BITRATE, AUDIO_SAMPLE_RATE, AUDIO_CHANNELS);
    }

    public static SlateConfig slate() {
        return new SlateConfig(null, SLATE_TEXT, SLATE_MAX_SECONDS);
    }

    /** The video defaults around the three settings that have none. */
    public static VideoConfig video(int width, int height, long bitrate) {
        return new VideoConfig(VIDEO_CODEC, width, height, VIDEO_FIT, VIDEO_FPS, bitrate,
                VIDEO_KEYFRAME_SECONDS, VIDEO_PRESET, VIDEO_PROFILE);
    }
}
