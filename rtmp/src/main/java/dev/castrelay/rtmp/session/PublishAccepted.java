package dev.castrelay.rtmp.session;

/**
 * The user event a {@link ServerSession} fires through its whole pipeline when a publish is accepted: the peer has
 * presented a key the policy took, so whoever counts unauthenticated connections can stop counting this one.
 */
public enum PublishAccepted {
    INSTANCE
}
