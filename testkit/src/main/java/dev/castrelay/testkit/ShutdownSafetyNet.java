package dev.castrelay.testkit;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes peers a test forgot to close (or could not, because the JVM is exiting) so no nginx or ffmpeg
 * outlives the build. Peers register when they start and unregister when closed normally.
 */
final class ShutdownSafetyNet {

    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownSafetyNet::closeAll, "testkit-shutdown"));
    }

    private ShutdownSafetyNet() {
    }

    static void register(AutoCloseable peer) {
        OPEN.add(peer);
    }

    static void unregister(AutoCloseable peer) {
        OPEN.remove(peer);
    }

    private static void closeAll() {
        for (AutoCloseable peer : new ArrayList<>(OPEN)) {
            try {
                peer.close();
            } catch (Exception e) {
                // The JVM is going down; keep closing the others.
            }
        }
    }
}
