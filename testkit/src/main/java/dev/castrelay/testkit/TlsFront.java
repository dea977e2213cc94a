package dev.castrelay.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * An RTMPS platform: nginx's stream module terminating TLS on 127.0.0.1 and passing the plain bytes to
 * an {@link NginxRtmpSink}. The certificate is made per front by {@link TestCertificates}.
 *
 * <p>{@link #url()} uses the host name {@code localhost}, as real platforms use names: the client
 * sends SNI and checks the name against the certificate (which also carries {@code IP:127.0.0.1},
 * so {@code urlWithHost("127.0.0.1")} verifies too). ffmpeg (Debian's, GnuTLS) publishes with
 * {@code -tls_verify 1 -ca_file <caFile()>}; its default is {@code -tls_verify 0}, which accepts anything.
 */
public final class TlsFront implements AutoCloseable {

    private final NginxProcess nginx;
    private final TestCertificates certificates;
    private final String application;

    private TlsFront(NginxProcess nginx, TestCertificates certificates, String application) {
        this.nginx = nginx;
        this.certificates = certificates;
        this.application = application;
    }

    /** A front with a certificate signed by its test CA. */
    public static TlsFront inFrontOf(NginxRtmpSink sink) {
        return builder(sink).start();
    }

    public static Builder builder(NginxRtmpSink sink) {
        return new Builder(sink);
    }

    /** Options for a front; the default certificate is signed by the front's test CA. */
    public static final class Builder {
        private final NginxRtmpSink sink;
        private boolean selfSigned;

        private Builder(NginxRtmpSink sink) {
            this.sink = sink;
        }

        /** Serves a self-signed certificate not issued by {@link TlsFront#caFile()}: clients must refuse it. */
        public Builder untrustedCertificate() {
            this.selfSigned = true;
            return this;
        }

        public TlsFront start() {
            Path dir = TempDirs.create("tls-front");
            TestCertificates certs = selfSigned ? TestCertificates.selfSigned(dir) : TestCertificates.signed(dir);
            int backend = sink.port();
            NginxProcess nginx = NginxProcess.start(dir, List.of("ngx_stream_module.so"), port -> "stream {\n"
                    + "  server {\n"
                    + "    listen 127.0.0.1:" + port + " ssl;\n"
                    + "    ssl_certificate " + certs.certificateFile() + ";\n"
                    + "    ssl_certificate_key " + certs.keyFile() + ";\n"
                    + "    proxy_pass 127.0.0.1:" + backend + ";\n"
                    + "  }\n"
                    + "}\n");
            TlsFront front = new TlsFront(nginx, certs, sink.application());
            ShutdownSafetyNet.register(front);
            return front;
        }
    }

    public int port() {
        return nginx.port();
    }

    /** {@code rtmps://localhost:PORT/APP}. */
    public String url() {
        return urlWithHost("localhost");
    }

    /** {@code rtmps://HOST:PORT/APP}, e.g. with {@code 127.0.0.1}, which the certificate also names. */
    public String urlWithHost(String host) {
        return "rtmps://" + host + ":" + port() + "/" + application;
    }

    /** {@code rtmps://localhost:PORT/APP/KEY}: what ffmpeg publishes to. */
    public String streamUrl(String streamKey) {
        return url() + "/" + streamKey;
    }

    /** PEM of the test CA to trust. */
    public Path caFile() {
        return certificates.caFile();
    }

    public TestCertificates certificates() {
        return certificates;
    }

    public String errorLog() {
        return nginx.errorLog();
    }

    /** Kills the front with SIGKILL; the sink behind it keeps running. */
    public void kill() {
        nginx.kill();
    }

    public void restart() {
        nginx.restart();
    }

    @Override
    public void close() {
        ShutdownSafetyNet.unregister(this);
        nginx.close();
    }
}
