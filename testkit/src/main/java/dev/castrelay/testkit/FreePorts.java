package dev.castrelay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free TCP and UDP ports on 127.0.0.1, chosen by the kernel from the ephemeral range. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before the caller binds it;
     * {@link NginxRtmpSink} and {@link TlsFront} retry with a fresh port when that happens.
     */
    public static int next() {
        try (ServerSocket socket = new ServerSocket()) {
            // No SO_REUSEADDR: a port still in TIME_WAIT from an earlier test is not "free".
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /** A UDP port (for an SRT listener) that was free a moment ago. */
    public static int nextUdp() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(null)) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free UDP port on 127.0.0.1", e);
        }
    }
}
