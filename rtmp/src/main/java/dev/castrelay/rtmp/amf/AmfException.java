package dev.castrelay.rtmp.amf;

import dev.castrelay.rtmp.RtmpException;

/** A malformed or unsupported AMF value. */
public final class AmfException extends RtmpException {

    public AmfException(String message) {
        super(message);
    }
}
