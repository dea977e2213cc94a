package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.media.MediaListener;

/** What the server's policy answers a {@link PublishRequest} with. */
public sealed interface PublishDecision {

    /** Accept: the stream's packets go to {@code listener} until {@link MediaListener#onStreamEnd()}. */
    record Accept(MediaListener listener) implements PublishDecision {
    }

    /**
     * Refuse with an onStatus error, then close.
     *
     * @param code e.g. {@code NetStream.Publish.BadName}
     */
    record Reject(String code, String description) implements PublishDecision {
    }
}
