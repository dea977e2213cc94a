package dev.castrelay.config;

/**
 * The HTTP control API, /metrics and the dashboard.
 *
 * @param listen        host:port to bind; loopback by default
 * @param token         bearer token for the API; a secret, never printed
 * @param publicMetrics when true, {@code /metrics} needs no token
 */
public record ControlConfig(String listen, String token, boolean publicMetrics) {

    /** The token never printed: it reads {@code ****}. */
    @Override
    public String toString() {
        return "ControlConfig[listen=" + listen + ", token=" + Secrets.mask(token)
                + ", publicMetrics=" + publicMetrics + "]";
    }
}
