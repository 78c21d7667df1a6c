package dev.iris.hash;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests as lower-case hex. Stateless and thread-safe. Exists so that the checked
 * {@link NoSuchAlgorithmException}, which no JDK ever throws for SHA-256, is caught in one place and not five.
 */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    /** The SHA-256 of {@code bytes}: 64 hex digits. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(digest().digest(bytes));
    }

    /**
     * The first {@code prefixBytes} bytes (so {@code 2 * prefixBytes} hex digits) of the SHA-256 of {@code parts}
     * hashed one after the other, as if concatenated: short identifiers (asset versions, ETags) that are
     * still collision-free in practice.
     *
     * @param prefixBytes 1 to 32
     */
    public static String hexPrefix(int prefixBytes, byte[]... parts) {
        if (prefixBytes < 1 || prefixBytes > 32) {
            throw new IllegalArgumentException("prefixBytes must be 1..32, got " + prefixBytes);
        }
        MessageDigest digest = digest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return HEX.formatHex(digest.digest(), 0, prefixBytes);
    }

    /**
     * The SHA-256 of everything {@code in} has left, read to its end in blocks (never whole into memory); the
     * caller closes {@code in}.
     */
    public static String hex(InputStream in) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            digest.update(buffer, 0, n);
        }
        return HEX.formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
