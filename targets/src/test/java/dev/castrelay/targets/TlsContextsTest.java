package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.testkit.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {

    @TempDir
    Path dir;

    @Test
    void trustsACertificateIssuedByTheConfiguredCa() throws Exception {
        TestCertificates certificates = TestCertificates.signed(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            assertThat(peer.handshake(new TlsContexts(), "localhost", certificates.caFile().toString())).isNull();
        }
    }

    @Test
    void refusesTheSameCertificateWithoutTheCa() throws Exception {
        TestCertificates certificates = TestCertificates.signed(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            Throwable failure = peer.handshake(new TlsContexts(), "localhost", null);

            assertThat(describe(failure, "localhost", peer)).startsWith("TLS: certificate not trusted");
        }
    }

    @Test
    void refusesASelfSignedCertificateEvenWithACaFile() throws Exception {
        TestCertificates certificates = TestCertificates.selfSigned(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            Throwable failure = peer.handshake(new TlsContexts(), "localhost", certificates.caFile().toString());

            assertThat(describe(failure, "localhost", peer)).startsWith("TLS: certificate not trusted");
        }
    }

    @Test
    void checksTheHostNameNotJustTheChain() throws Exception {
        TestCertificates certificates = TestCertificates.signed(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            Throwable failure = peer.handshake(new TlsContexts(), "platform.example", certificates.caFile().toString());

            assertThat(describe(failure, "platform.example", peer))
                    .isEqualTo("TLS: certificate of platform.example:" + peer.port()
                            + " does not match the host name platform.example");
        }
    }

    @Test
    void refusesAnExpiredCertificateFromTheConfiguredCa() throws Exception {
        TestCertificates certificates = TestCertificates.expired(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            Throwable failure = peer.handshake(new TlsContexts(), "localhost", certificates.caFile().toString());

            assertThat(describe(failure, "localhost", peer))
                    .isEqualTo("TLS: certificate of localhost:" + peer.port() + " has expired");
        }
    }

    /** Why the handshake failed, in the words a target's lastError would use; a success fails the test. */
    private static String describe(Throwable failure, String host, TlsPeer peer) {
        assertThat(failure).as("the handshake must be refused").isNotNull();
        return ConnectionErrors.describe(failure, RtmpUrl.parse("rtmps://" + host + ":" + peer.port() + "/live/key"));
    }
}
