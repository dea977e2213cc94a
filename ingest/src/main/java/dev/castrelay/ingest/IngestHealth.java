package dev.castrelay.ingest;

import java.time.Instant;

/**
 * The ingest part of the health document.
 *
 * @param video null until the stream described its video
 * @param audio null until the stream described its audio
 */
public record IngestHealth(IngestState state, Instant since, Video video, Audio audio, long bitrateKbps) {

    public record Video(String codec, int width, int height, double fps, double keyframeIntervalSec) {
    }

    public record Audio(String codec, int sampleRate, int channels) {
    }
}
