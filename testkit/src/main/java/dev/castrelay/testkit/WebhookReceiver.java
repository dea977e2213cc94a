package dev.castrelay.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A webhook endpoint on 127.0.0.1 that records every POST body, for alert tests: it answers with a status of the
 * test's choosing, or hangs (accepts, reads the request, never answers) until told otherwise or closed. HTTP, or
 * HTTPS with a {@link TestCertificates} server certificate.
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<String> bodies = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile CountDownLatch hang;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Plain HTTP on a free port of 127.0.0.1. */
    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        }
    }

    /** HTTPS with {@code certificates}' server certificate and key. */
    public static WebhookReceiver startHttps(TestCertificates certificates) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(sslContext(certificates)));
            return new WebhookReceiver(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test certificate: " + e.getMessage(), e);
        }
    }

    private static SSLContext sslContext(TestCertificates c) throws IOException, GeneralSecurityException {
        String pem = Files.readString(c.keyFile(), StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        Certificate cert;
        try (var in = Files.newInputStream(c.certificateFile())) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", key, password, new Certificate[]{cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            CountDownLatch h = hang;
            if (h != null) {
                try {
                    h.await(); // accepted and read, never answered until released
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            int answer = status;
            byte[] reply = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.getResponseBody().flush();
            if (answer >= 200 && answer < 300) {
                // Recorded once answered: a test that saw the body may stop the receiver at once.
                synchronized (bodies) {
                    bodies.add(new String(body, StandardCharsets.UTF_8));
                    bodies.notifyAll();
                }
            }
        }
    }

    /** {@code http(s)://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The status later requests are answered with (only 2xx bodies are recorded). */
    public void answerWith(int status) {
        this.status = status;
    }

    /** From now on, requests are read and never answered, until {@link #stopHanging()}. */
    public void hang() {
        hang = new CountDownLatch(1);
    }

    /** Requests answer again; the ones held so far end without an answer. */
    public void stopHanging() {
        CountDownLatch h = hang;
        hang = null;
        if (h != null) {
            h.countDown();
        }
    }

    /** Requests received, answered or not. */
    public int requests() {
        return requests.get();
    }

    /** The bodies of the requests answered 2xx, in order. */
    public List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    /** Waits until a recorded body matches, and returns the bodies so far. */
    public List<String> awaitBody(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (bodies) {
            while (bodies.stream().noneMatch(match)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("no matching alert within " + timeout + "; got " + bodies);
                }
                bodies.wait(left);
            }
            return List.copyOf(bodies);
        }
    }

    @Override
    public void close() {
        stopHanging();
        server.stop(0);
        executor.shutdownNow();
    }
}
