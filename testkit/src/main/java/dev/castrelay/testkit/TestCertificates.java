package dev.castrelay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway test CA and a server certificate for {@code localhost} (SAN {@code DNS:localhost},
 * {@code IP:127.0.0.1}), made with the openssl CLI. The server certificate is either signed by the CA
 * or self-signed; in the second case a client trusting {@link #caFile()} must reject it. An expired one is signed
 * by the CA but past its validity.
 *
 * @param caFile          PEM of the test CA, the only trust anchor a client needs
 * @param certificateFile PEM of the server certificate
 * @param keyFile         PEM of the server's private key
 * @param signedByCa      whether {@code certificateFile} chains to {@code caFile}
 */
public record TestCertificates(Path caFile, Path certificateFile, Path keyFile, boolean signedByCa) {

    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
    private static final String SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1";
    // P-256 keys: generated instantly, unlike RSA, and accepted by every TLS stack involved.
    private static final List<String> EC_KEY = List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");

    /** Creates a CA and a server certificate signed by it in {@code dir}. */
    public static TestCertificates signed(Path dir) {
        return signedFor(dir, "2");
    }

    /** Creates a CA and a server certificate signed by it whose validity ended a day ago. */
    public static TestCertificates expired(Path dir) {
        return signedFor(dir, "-1"); // openssl sets notAfter a day before now: signed correctly, but expired
    }

    private static TestCertificates signedFor(Path dir, String days) {
        Path ca = createCa(dir);
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("server.ext");
        write(ext, SAN + "\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        openssl(concat(List.of("req", "-new", "-nodes"), EC_KEY,
                List.of("-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost")));
        openssl(List.of("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", days,
                "-extfile", ext.toString(), "-out", cert.toString()));
        return new TestCertificates(ca, cert, key, true);
    }

    /** Creates a CA and a self-signed server certificate that the CA knows nothing about. */
    public static TestCertificates selfSigned(Path dir) {
        Path ca = createCa(dir);
        Path key = dir.resolve("self.key");
        Path cert = dir.resolve("self.pem");
        openssl(concat(List.of("req", "-x509", "-nodes"), EC_KEY,
                List.of("-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                        "-subj", "/CN=localhost", "-addext", SAN)));
        return new TestCertificates(ca, cert, key, false);
    }

    private static Path createCa(Path dir) {
        Path ca = dir.resolve("ca.pem");
        openssl(concat(List.of("req", "-x509", "-nodes"), EC_KEY,
                List.of("-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString(), "-days", "2",
                        "-subj", "/CN=castrelay test CA",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign")));
        return ca;
    }

    private static void openssl(List<String> args) {
        Processes.run(OPENSSL_TIMEOUT, concat(List.of("openssl"), args)).requireSuccess();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        return concat(concat(a, b), c);
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
