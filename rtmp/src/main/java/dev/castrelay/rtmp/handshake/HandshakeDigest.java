package dev.castrelay.rtmp.handshake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The "digest" handshake Flash Player 9+ introduced and that FFmpeg, OBS and librtmp send: a HMAC-SHA256 of the
 * 1536-byte packet, keyed with a well-known string, hidden at an offset derived from four bytes of the packet.
 * Servers that see it answer in kind; anything else gets the plain echo handshake of the spec.
 */
final class HandshakeDigest {

    static final int PACKET_SIZE = 1536;
    static final int DIGEST_SIZE = 32;

    /** The part of both keys after the text (a fixed 32-byte suffix). */
    private static final byte[] KEY_SUFFIX = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
    };
    private static final byte[] PLAYER_TEXT = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_TEXT =
            "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

    /** Key for the client's C1 digest. */
    static final byte[] PLAYER_KEY = PLAYER_TEXT;
    /** Key for the server's S1 digest. */
    static final byte[] SERVER_KEY = SERVER_TEXT;
    /** Key that, HMACed with the client's digest, signs S2. */
    static final byte[] SERVER_FULL_KEY = concat(SERVER_TEXT, KEY_SUFFIX);
    /** Key that, HMACed with the server's digest, signs C2. */
    static final byte[] PLAYER_FULL_KEY = concat(PLAYER_TEXT, KEY_SUFFIX);

    private HandshakeDigest() {
    }

    /** Digest offset for scheme 0 (offset bytes at 8..11) or scheme 1 (at 772..775). */
    static int offset(byte[] packet, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF)
                + (packet[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    /** HMAC of the packet with the digest bytes at {@code offset} left out. */
    static byte[] digestAt(byte[] packet, int offset, byte[] key) {
        Mac mac = mac(key);
        mac.update(packet, 0, offset);
        mac.update(packet, offset + DIGEST_SIZE, PACKET_SIZE - offset - DIGEST_SIZE);
        return mac.doFinal();
    }

    /** Where a valid digest sits in the packet, or -1 when it carries none. */
    static int findDigest(byte[] packet, byte[] key) {
        for (int scheme = 0; scheme < 2; scheme++) {
            int offset = offset(packet, scheme);
            byte[] expected = digestAt(packet, offset, key);
            if (Arrays.equals(expected, Arrays.copyOfRange(packet, offset, offset + DIGEST_SIZE))) {
                return offset;
            }
        }
        return -1;
    }

    /** Writes a scheme-0 digest into the packet and returns it. */
    static byte[] imprint(byte[] packet, byte[] key) {
        int offset = offset(packet, 0);
        byte[] digest = digestAt(packet, offset, key);
        System.arraycopy(digest, 0, packet, offset, DIGEST_SIZE);
        return digest;
    }

    /** Signs a response packet (S2 or C2) for the peer's digest: the last 32 bytes are the signature. */
    static void signResponse(byte[] packet, byte[] peerDigest, byte[] fullKey) {
        byte[] key = hmac(fullKey, peerDigest, 0, peerDigest.length);
        byte[] signature = hmac(key, packet, 0, PACKET_SIZE - DIGEST_SIZE);
        System.arraycopy(signature, 0, packet, PACKET_SIZE - DIGEST_SIZE, DIGEST_SIZE);
    }

    static byte[] hmac(byte[] key, byte[] data, int from, int length) {
        Mac mac = mac(key);
        mac.update(data, from, length);
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
