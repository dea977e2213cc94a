package dev.castrelay.relay.e2e;

import dev.castrelay.rtmp.amf.Amf0Writer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hand-driven RTMP client on a plain socket, for sending exactly the bytes a test wants: garbage, a broken
 * handshake, chunk headers no encoder would write. Nothing is checked or answered on our side; what the server
 * sends back is kept, raw, for {@link #received()}.
 */
final class RawRtmpClient implements AutoCloseable {

    /** C1/S1/C2/S2 size (RTMP spec 5.2.3). */
    static final int HANDSHAKE_PACKET = 1536;
    /** The chunk size both sides start with (spec 5.4.1). */
    private static final int INITIAL_CHUNK_SIZE = 128;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    private RawRtmpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    static RawRtmpClient connect(InetSocketAddress address) {
        return connectFrom(null, address);
    }

    /** From another loopback address (127.0.0.2, ...): a peer the relay sees as another machine. */
    static RawRtmpClient connectFrom(String localHost, InetSocketAddress address) {
        try {
            Socket socket = new Socket();
            if (localHost != null) {
                socket.bind(new InetSocketAddress(localHost, 0));
            }
            socket.connect(address, 5_000);
            socket.setTcpNoDelay(true);
            return new RawRtmpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    /** Our side's port: the relay's log names connections by it. */
    int localPort() {
        return socket.getLocalPort();
    }

    RawRtmpClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + bytes.length + " bytes", e);
        }
    }

    /** A plain (digest-less) handshake: C0 = 3, C1 of zeros; reads S0+S1+S2 and echoes S1 as C2. */
    RawRtmpClient handshake() {
        byte[] c0c1 = new byte[1 + HANDSHAKE_PACKET];
        c0c1[0] = 3;
        send(c0c1);
        byte[] s0s1s2 = new byte[1 + 2 * HANDSHAKE_PACKET];
        try {
            socket.setSoTimeout(10_000);
            new DataInputStream(in).readFully(s0s1s2);
        } catch (IOException e) {
            throw new UncheckedIOException("no S0+S1+S2 from the server", e);
        }
        byte[] c2 = new byte[HANDSHAKE_PACKET];
        System.arraycopy(s0s1s2, 1, c2, 0, HANDSHAKE_PACKET);
        return send(c2);
    }

    /** One message on chunk stream {@code csid} (any id 2..65599): a type 0 header, then type 3 continuations. */
    RawRtmpClient message(int csid, int typeId, long streamId, byte[] payload) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        writeType0Header(chunks, csid, typeId, streamId, payload.length);
        for (int offset = 0; offset < payload.length; offset += INITIAL_CHUNK_SIZE) {
            if (offset > 0) {
                writeBasicHeader(chunks, 3, csid);
            }
            chunks.write(payload, offset, Math.min(INITIAL_CHUNK_SIZE, payload.length - offset));
        }
        return send(chunks.toByteArray());
    }

    /**
     * Only the type 0 header of a message on chunk stream {@code csid} that claims {@code declaredLength} bytes,
     * followed by {@code payloadBytes} zeros (fewer than declared, to test a limit without sending it).
     */
    RawRtmpClient messageHeader(int csid, int typeId, long streamId, int declaredLength, int payloadBytes) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        writeType0Header(header, csid, typeId, streamId, declaredLength);
        header.writeBytes(new byte[payloadBytes]);
        return send(header.toByteArray());
    }

    /** An AMF0 command on chunk stream 3. */
    RawRtmpClient command(long streamId, String name, double transactionId, Object commandObject, Object... args) {
        ByteBuf payload = Unpooled.buffer();
        try {
            Amf0Writer.write(payload, name);
            Amf0Writer.write(payload, transactionId);
            Amf0Writer.write(payload, commandObject);
            for (Object arg : args) {
                Amf0Writer.write(payload, arg);
            }
            return message(3, 20, streamId, ByteBufUtil.getBytes(payload));
        } finally {
            payload.release();
        }
    }

    /** connect, createStream and publish, as FFmpeg sends them, without waiting for the answers. */
    RawRtmpClient publish(String app, String streamKey) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("app", app);
        properties.put("type", "nonprivate");
        properties.put("flashVer", "FMLE/3.0 (compatible; e2e)");
        properties.put("tcUrl", "rtmp://" + socket.getInetAddress().getHostAddress() + ":" + socket.getPort()
                + "/" + app);
        command(0, "connect", 1, properties);
        command(0, "createStream", 2, null);
        return command(1, "publish", 0, null, streamKey, "live");
    }

    /**
     * Reads (keeping what comes) until the server closes the connection or {@code timeout} passes; true when it
     * closed. A reset counts as closed.
     */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.min(left, 200));
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return true;
                    }
                    received.write(buffer, 0, n);
                } catch (SocketTimeoutException e) {
                    // Nothing yet: look at the clock again.
                }
            }
        } catch (SocketException e) {
            return true; // connection reset: closed by the server, abruptly
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the server sent so far, as Latin-1 so AMF strings in it can be searched for. */
    String received() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the server already closed: nothing to do.
        }
    }

    /** Spec 5.3.1.2.1: timestamp 0, length, type id, and the message stream id, which is little-endian. */
    private static void writeType0Header(ByteArrayOutputStream out, int csid, int typeId, long streamId, int length) {
        writeBasicHeader(out, 0, csid);
        writeMedium(out, 0);
        writeMedium(out, length);
        out.write(typeId);
        for (int i = 0; i < 4; i++) {
            out.write((int) (streamId >> (8 * i)) & 0xFF);
        }
    }

    private static void writeBasicHeader(ByteArrayOutputStream out, int fmt, int csid) {
        if (csid < 64) {
            out.write(fmt << 6 | csid);
        } else if (csid < 320) {
            out.write(fmt << 6);
            out.write(csid - 64);
        } else {
            out.write(fmt << 6 | 1);
            out.write((csid - 64) & 0xFF);
            out.write((csid - 64) >> 8);
        }
    }

    private static void writeMedium(ByteArrayOutputStream out, int value) {
        out.write(value >> 16 & 0xFF);
        out.write(value >> 8 & 0xFF);
        out.write(value & 0xFF);
    }
}
