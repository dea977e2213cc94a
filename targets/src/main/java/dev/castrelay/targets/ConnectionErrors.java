package dev.castrelay.targets;

import dev.castrelay.config.Secrets;
import dev.castrelay.rtmp.RtmpUrl;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.List;
import java.util.Locale;

/** Turns what went wrong on a connection into a sentence an operator understands: never a stack trace or a key. */
final class ConnectionErrors {

    private ConnectionErrors() {
    }

    /**
     * The most telling cause anywhere in the chain wins, whatever wraps it: Netty wraps a certificate failure in a
     * DecoderException around an SSLHandshakeException around the CertificateException that says what was wrong.
     */
    static String describe(Throwable cause, RtmpUrl url) {
        String where = url.address();
        if (find(cause, UnknownHostException.class) != null) {
            return "cannot resolve host " + url.host();
        }
        Throwable connect = find(cause, ConnectException.class);
        if (connect == null) {
            connect = find(cause, NoRouteToHostException.class);
        }
        if (connect != null) {
            return lower(connect).contains("timed out") ? "connection to " + where + " timed out"
                    : "connection refused by " + where;
        }
        CertificateException certificate = find(cause, CertificateException.class);
        if (certificate != null) {
            String m = String.valueOf(certificate.getMessage());
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "TLS: certificate of " + where + " does not match the host name " + url.host();
            }
            // TlsContexts throws the expiry itself, whose message is only "NotAfter: <date>".
            if (find(cause, CertificateExpiredException.class) != null || m.contains("expired")) {
                return "TLS: certificate of " + where + " has expired";
            }
            return "TLS: certificate not trusted (" + where
                    + "); if the platform uses a private CA, add it with tls.caFile";
        }
        SSLException ssl = find(cause, SSLException.class);
        if (ssl != null) {
            return mask("TLS: handshake with " + where + " failed: " + ssl.getMessage(), url);
        }
        if (find(cause, ClosedChannelException.class) != null) {
            return "connection closed by " + where;
        }
        IOException io = find(cause, IOException.class);
        if (io != null && lower(io).contains("reset")) {
            return "connection reset by " + where;
        }
        Throwable innermost = cause;
        while (innermost.getCause() != null && innermost.getMessage() == null) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        String text = message == null ? innermost.getClass().getSimpleName() : message;
        return mask(text + " (" + where + ")", url);
    }

    static String mask(String text, RtmpUrl url) {
        return Secrets.redact(text, List.of(url.streamName()));
    }

    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String lower(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }
}
