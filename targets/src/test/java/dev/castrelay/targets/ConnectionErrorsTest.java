package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.testkit.TestCertificates;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionErrorsTest {

    private static final String KEY = "live_8f3k2j?secret=s3cr3t";

    @TempDir
    Path dir;

    @Test
    void aRefusedConnectionSaysRefusedAndWhere() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect("127.0.0.1", port).await();

            assertThat(ConnectionErrors.describe(f.cause(), url("rtmp://127.0.0.1:" + port + "/live/")))
                    .isEqualTo("connection refused by 127.0.0.1:" + port);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anUntrustedCertificateSaysNotTrusted() throws Exception {
        try (TlsPeer peer = new TlsPeer(TestCertificates.selfSigned(dir))) {
            Throwable failure = peer.handshake(new TlsContexts(), "localhost", null);

            assertThat(ConnectionErrors.describe(new DecoderException(failure), url("rtmps://localhost:" + peer.port() + "/live/")))
                    .startsWith("TLS: certificate not trusted (localhost:" + peer.port() + ")");
        }
    }

    @Test
    void aCertificateForAnotherHostSaysTheNameDoesNotMatch() throws Exception {
        TestCertificates certificates = TestCertificates.signed(dir);
        try (TlsPeer peer = new TlsPeer(certificates)) {
            Throwable failure = peer.handshake(new TlsContexts(), "platform.example",
                    certificates.caFile().toString());

            assertThat(ConnectionErrors.describe(failure, url("rtmps://platform.example:" + peer.port() + "/live/")))
                    .isEqualTo("TLS: certificate of platform.example:" + peer.port()
                            + " does not match the host name platform.example");
        }
    }

    @Test
    void anUnknownHostSaysSo() {
        assertThat(ConnectionErrors.describe(new UnknownHostException("live.invalid"), url("rtmp://live.invalid/app/")))
                .isEqualTo("cannot resolve host live.invalid");
    }

    @Test
    void aResetSaysReset() {
        assertThat(ConnectionErrors.describe(new IOException("Connection reset by peer"), url("rtmp://10.0.0.1/app/")))
                .isEqualTo("connection reset by 10.0.0.1:1935");
    }

    @Test
    void neverQuotesTheKeyAServerOrLibraryQuoted() {
        RtmpUrl url = url("rtmp://10.0.0.1/app/");
        Throwable[] causes = {
                new IllegalStateException("bad stream " + KEY),
                new SSLHandshakeException("handshake for " + KEY + " failed"),
                new DecoderException(new CertificateException("No subject alternative names for " + KEY)),
                new RuntimeException(new IOException("unexpected " + KEY)),
        };
        for (Throwable cause : causes) {
            assertThat(ConnectionErrors.describe(cause, url)).doesNotContain(KEY).doesNotContain("s3cr3t");
        }
    }

    @Test
    void maskReplacesTheKeyWherever() {
        assertThat(ConnectionErrors.mask("publish " + KEY + " refused", url("rtmp://10.0.0.1/app/")))
                .isEqualTo("publish **** refused");
    }

    private static RtmpUrl url(String base) {
        return RtmpUrl.parse(base + KEY);
    }
}
