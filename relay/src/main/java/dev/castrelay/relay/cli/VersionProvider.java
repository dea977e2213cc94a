package dev.castrelay.relay.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code relay --version}: the version Maven wrote into the runnable jar's manifest ({@code Implementation-Version},
 * from the project's version), so it is never a second copy to forget. Run from compiled classes (an IDE, the
 * tests) there is no manifest, and it says so rather than guess.
 */
public final class VersionProvider implements IVersionProvider {

    static final String DEVELOPMENT = "castrelay (development build)";

    @Override
    public String[] getVersion() {
        return new String[] {describe(VersionProvider.class.getPackage().getImplementationVersion()),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }

    /** {@code castrelay 0.2.0} for a manifest's version, the development build without one. */
    static String describe(String implementationVersion) {
        return implementationVersion == null || implementationVersion.isBlank() ? DEVELOPMENT
                : "castrelay " + implementationVersion;
    }
}
