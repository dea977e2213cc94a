package dev.castrelay.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * The ingest part of the health document: the program (what the renditions receive, from the active input), and
 * each input.
 *
 * @param video  null until the stream described its video
 * @param audio  null until the stream described its audio
 * @param active {@code primary} or {@code backup}: the input that is the program; null when none is
 * @param mode   {@code auto} (failover) or {@code pinned} (an operator chose the input)
 * @param inputs each configured input
 */
@JsonPropertyOrder({"state", "since", "active", "mode", "inputs", "video", "audio", "bitrateKbps"})
public record IngestHealth(@JsonProperty(required = true) IngestState state,
                           @JsonProperty(required = true) Instant since, Video video, Audio audio, long bitrateKbps,
                           String active, String mode, List<Input> inputs) {

    public IngestHealth {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** One input's own view, whether or not it is the program. */
    public record Input(@JsonProperty(required = true) String role,
                        @JsonProperty(required = true) IngestState state,
                        @JsonProperty(required = true) String protocol, Video video, long bitrateKbps,
                        @JsonProperty(required = true) Instant since) {
    }

    public record Video(@JsonProperty(required = true) String codec, int width, int height, double fps,
                        double keyframeIntervalSec) {
    }

    public record Audio(@JsonProperty(required = true) String codec, int sampleRate, int channels) {
    }
}
