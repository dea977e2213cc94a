package dev.castrelay.rtmp.session;

/**
 * The server's policy for publishers (authentication, takeover): lives above the protocol code, which only asks.
 * Called on the connection's event loop.
 */
@FunctionalInterface
public interface PublishPolicy {

    PublishDecision onPublish(PublishRequest request, ServerSession session);
}
