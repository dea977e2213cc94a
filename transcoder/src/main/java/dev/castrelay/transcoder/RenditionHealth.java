package dev.castrelay.transcoder;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A snapshot of one rendition for the health view.
 *
 * @param id          the rendition id
 * @param state       idle, encoding or slate
 * @param fps         video frames put out per second over the last few seconds
 * @param bitrateKbps audio plus video bits put out per second over the last few seconds, in kbit/s
 * @param speed       media seconds encoded per second of the rendition thread's work over the last few seconds:
 *                    the headroom, as the CLI's {@code speed=} shows it for a file; below 1.0 the rendition cannot
 *                    keep up with a live ingest
 * @param slateFrames video frames of the slate put out since the rendition started: what its targets received
 *                    that was not the ingest's picture
 * @param droppedFrames decoded pictures this rendition dropped because it could not keep up (its encode queue was
 *                    full): it drops its own, and the decoder and the other renditions never wait for it
 * @param slow        encoding below real time (speed under 1.0) for {@link HealthMeter#SLOW_MILLIS} or more, past
 *                    the start-up grace: its targets fall behind (a WARNING)
 * @param reason      why the slate is on air ({@code ingest lost}, {@code no video in the ingest},
 *                    {@code ingest video frozen}); null otherwise
 *
 * <p>In the health document: {@code slateFrames} and {@code slow} are not (a slow rendition shows in the status),
 * {@code reason} only when there is one.
 */
public record RenditionHealth(@JsonProperty(required = true) String id,
                              @JsonProperty(required = true) RenditionState state, double fps, long bitrateKbps,
                              double speed, @JsonIgnore long slateFrames, long droppedFrames, @JsonIgnore boolean slow,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
}
