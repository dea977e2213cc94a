package dev.castrelay.config;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} to bind, as written in {@code ingest.listen} and {@code control.listen}. IPv6 hosts are
 * bracketed ({@code [::1]:8686}). Port 0 asks the system for a free port (tests use it).
 */
public record ListenAddress(String host, int port) {

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException saying what was expected and what came
     */
    public static ListenAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected host:port, e.g. 0.0.0.0:1935");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got \"" + s + "\"");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port (IPv6 in brackets), got \"" + s + "\"");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("expected host:port with a host (0.0.0.0 for every interface), got \""
                    + s + "\"");
        }
        return new ListenAddress(host, parsePort(port, s));
    }

    /** True for 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
    public boolean isLoopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** An unresolved socket address, resolved when bound. */
    public InetSocketAddress toSocketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static int parsePort(String port, String whole) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("expected a port number after ':', got \"" + whole + "\"");
        }
        int value = Integer.parseInt(port);
        if (value > 65_535) {
            throw new IllegalArgumentException("port " + value + " is out of range 0..65535");
        }
        return value;
    }
}
