package dev.castrelay.rtmp.session;

import dev.castrelay.config.Secrets;

import java.net.SocketAddress;

/**
 * A client's request to publish, as the server session saw it. {@code streamName} is the stream key: callers
 * must never log it.
 */
public record PublishRequest(String app, String streamName, String publishType, SocketAddress remoteAddress) {

    @Override
    public String toString() {
        return "PublishRequest[app=" + app + ", streamName=" + Secrets.MASK + ", type=" + publishType + ", from=" + remoteAddress
                + "]";
    }
}
