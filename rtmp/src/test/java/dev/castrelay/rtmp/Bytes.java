package dev.castrelay.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Byte sequences for test tables, written the way protocol dumps show them. */
public final class Bytes {

    private Bytes() {
    }

    /** "02 00 07 'connect' 00" : hex bytes separated by spaces, quoted ASCII text, {@code |} as a visual separator. */
    public static byte[] of(String spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < spec.length()) {
            char c = spec.charAt(i);
            if (c == ' ' || c == '|' || c == '\n') {
                i++;
            } else if (c == '\'') {
                int end = spec.indexOf('\'', i + 1);
                out.writeBytes(spec.substring(i + 1, end).getBytes(StandardCharsets.UTF_8));
                i = end + 1;
            } else {
                out.write(Integer.parseInt(spec.substring(i, i + 2), 16));
                i += 2;
            }
        }
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** The readable bytes, without moving the reader index. */
    public static byte[] readable(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** Drains and releases: the bytes of a buffer the test owns. */
    public static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A pooled (leak-tracked) copy: the code under test must release it. */
    public static ByteBuf pooled(byte[] bytes) {
        return io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
    }

    /** 0, 1, 2, ... wrapping at 256: payloads whose every offset is recognisable. */
    public static byte[] counting(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    public static ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    public static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
