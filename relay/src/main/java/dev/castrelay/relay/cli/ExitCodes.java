package dev.castrelay.relay.cli;

/** Exit codes of every command but {@code health} (which follows the monitoring-plugin convention). */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 64;

    private ExitCodes() {
    }
}
