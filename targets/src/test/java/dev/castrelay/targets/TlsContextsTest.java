package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;

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
            assertThat(peer.handshake(new TlsContexts(), "localhost", null)).isNotNull();
        }
    }

    @Test
    void refusesASelfSignedCertificateEvenWithACaFile() throws Exception {
        TestCertificates certificates = TestCertificates.selfSigned(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            assertThat(peer.handshake(new TlsContexts(), "localhost", certificates.caFile().toString())).isNotNull();
        }
    }

    @Test
    void checksTheHostNameNotJustTheChain() throws Exception {
        TestCertificates certificates = TestCertificates.signed(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            assertThat(peer.handshake(new TlsContexts(), "platform.example", certificates.caFile().toString()))
                    .isNotNull();
        }
    }
}
