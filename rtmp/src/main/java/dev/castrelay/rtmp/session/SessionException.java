package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.RtmpException;

/** The peer broke the command flow (e.g. media before its publish was accepted): the connection is closed. */
public final class SessionException extends RtmpException {

    public SessionException(String message) {
        super(message);
    }
}
