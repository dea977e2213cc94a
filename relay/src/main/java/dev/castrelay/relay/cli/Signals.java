package dev.castrelay.relay.cli;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as an orderly request to stop: the command shuts down and exits 0, instead of the JVM
 * dying with 130/143 halfway through unpublishing.
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> action.run());
        }
    }
}
