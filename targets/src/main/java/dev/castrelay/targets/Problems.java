package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpUrl;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;

/** Turns what went wrong on a connection into a sentence an operator understands: never a stack trace or a key. */
final class Problems {

    private Problems() {
    }

    static String describe(Throwable cause, RtmpUrl url) {
        String where = url.address();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "cannot resolve host " + url.host();
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
                if (m.contains("timed out")) {
                    return "connection to " + where + " timed out";
                }
                return "connection refused by " + where;
            }
            if (t instanceof CertificateException || (t instanceof SSLHandshakeException
                    && String.valueOf(t.getMessage()).contains("PKIX"))) {
                String m = String.valueOf(t.getMessage());
                if (m.contains("No subject alternative") || m.contains("No name matching")) {
                    return "TLS: certificate of " + where + " does not match the host name";
                }
                if (m.contains("expired")) {
                    return "TLS: certificate of " + where + " has expired";
                }
                return "TLS: certificate not trusted (" + where + ")";
            }
            if (t instanceof SSLException) {
                return "TLS: handshake with " + where + " failed: " + t.getMessage();
            }
            if (t instanceof ClosedChannelException) {
                return "connection closed by " + where;
            }
        }
        String message = cause.getMessage();
        String text = message == null ? cause.getClass().getSimpleName() : message;
        return mask(text + " (" + where + ")", url);
    }

    static String mask(String text, RtmpUrl url) {
        return url.streamName().isEmpty() ? text : text.replace(url.streamName(), "****");
    }
}
