package dev.iris.web;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed image URLs, as imgproxy and Thumbor use them against cache-busting: the signature is
 * {@code s=base64url(HMAC(key, path + "?" + query-without-s))}, unpadded, and any configured key may have made it
 * (key rotation). Compared in constant time. Thread-safe.
 */
final class UrlSignatures {
    private final List<byte[]> keys;

    UrlSignatures(List<byte[]> keys) {
        this.keys = List.copyOf(keys);
    }

    boolean enabled() {
        return !keys.isEmpty();
    }

    /**
     * Whether {@code rawQuery} (as sent, percent-encoded) carries a valid {@code s} for {@code path}.
     *
     * @param path the request path from the context root, as sent (for example {@code /img/photo.jpg})
     */
    boolean verify(String path, String rawQuery) {
        String query = rawQuery == null ? "" : rawQuery;
        String signature = null;
        StringBuilder unsigned = new StringBuilder();
        for (String pair : query.split("&")) {
            if (pair.startsWith("s=")) {
                signature = pair.substring(2);
            } else if (!pair.isEmpty()) {
                unsigned.append(unsigned.isEmpty() ? "" : "&").append(pair);
            }
        }
        if (signature == null) {
            return false;
        }
        byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
        String message = path + "?" + unsigned;
        boolean valid = false;
        for (byte[] key : keys) { // every key is tried, so timing does not tell which one matched
            valid |= MessageDigest.isEqual(given, sign(key, message).getBytes(StandardCharsets.US_ASCII));
        }
        return valid;
    }

    /**
     * Refuses a request without a valid signature, when signing is on. Called before any asset lookup, so an
     * unsigned request neither costs a store read nor learns whether a name exists.
     *
     * @throws IrisError.Forbidden if signing is on and {@code s} is missing or wrong
     */
    void check(String path, String rawQuery) {
        if (enabled() && !verify(path, rawQuery)) {
            throw new IrisError.Forbidden("missing or invalid URL signature (s=)");
        }
    }

    static String sign(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
