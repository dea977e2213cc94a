package dev.castrelay.targets;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.socket.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS for {@code rtmps://}: the system trust store, plus a CA file when configured; hostname verification on,
 * SNI set to the URL's host. There is deliberately no way to turn certificate checks off.
 */
public final class TlsContexts {

    private final Map<String, SslContext> byCaFile = new ConcurrentHashMap<>();

    /** A handler for one connection to {@code host:port}. */
    public SslHandler newHandler(SocketChannel ch, String host, int port, String caFile) {
        SslContext context = byCaFile.computeIfAbsent(caFile == null ? "" : caFile, TlsContexts::build);
        SslHandler handler = context.newHandler(ch.alloc(), host, port); // sets SNI for host names
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        return handler;
    }

    private static SslContext build(String caFile) {
        try {
            return SslContextBuilder.forClient().trustManager(trustManager(caFile.isEmpty() ? null : caFile))
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust" + (caFile.isEmpty() ? "" : " with " + caFile)
                    + ": " + e.getMessage(), e);
        }
    }

    /** The system trust store, and the certificates of {@code caFile} when given. */
    static X509ExtendedTrustManager trustManager(String caFile) throws GeneralSecurityException, IOException {
        List<X509ExtendedTrustManager> managers = new ArrayList<>();
        managers.add(fromKeyStore(null));
        if (caFile != null) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
            }
            managers.add(fromKeyStore(store));
        }
        return new AnyOf(managers);
    }

    private static X509ExtendedTrustManager fromKeyStore(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager available");
    }

    /**
     * Trusts a chain when any of its managers does. It must be an {@link X509ExtendedTrustManager} and use the
     * engine-aware checks: those verify the host name; a plain X509TrustManager gets wrapped by Netty in a way that
     * skips that check, and any certificate of a trusted CA would pass for any host.
     */
    private static final class AnyOf extends X509ExtendedTrustManager {

        private final List<X509ExtendedTrustManager> managers;

        AnyOf(List<X509ExtendedTrustManager> managers) {
            this.managers = List.copyOf(managers);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            anyTrusts(chain, m -> m.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            anyTrusts(chain, m -> m.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            anyTrusts(chain, m -> m.checkServerTrusted(chain, authType));
        }

        private interface Check {
            void run(X509ExtendedTrustManager manager) throws CertificateException;
        }

        /**
         * Passes when one manager trusts the chain. Otherwise the most telling refusal is thrown: a manager that
         * knew the issuer but found the host name wrong says more than one that never heard of the issuer, and an
         * expired certificate says more than an unknown issuer (PKIX path building refuses an expired certificate
         * as if its issuer were unknown, so its validity is checked here to tell them apart).
         */
        private void anyTrusts(X509Certificate[] chain, Check check) throws CertificateException {
            CertificateException telling = null;
            for (X509ExtendedTrustManager m : managers) {
                try {
                    check.run(m);
                    return;
                } catch (CertificateException e) {
                    if (telling == null || isUnknownIssuer(telling) && !isUnknownIssuer(e)) {
                        telling = e;
                    }
                }
            }
            if (isUnknownIssuer(telling) && chain.length > 0) {
                try {
                    chain[0].checkValidity();
                } catch (CertificateExpiredException expired) {
                    expired.addSuppressed(telling);
                    throw expired;
                }
            }
            throw telling;
        }

        private static boolean isUnknownIssuer(CertificateException e) {
            return String.valueOf(e.getMessage()).contains("PKIX path");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> java.util.Arrays.stream(m.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }
    }
}
