package dev.iris.web;

import dev.iris.render.ImageRequest;
import dev.iris.asset.AssetMeta;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Strong entity tags and the {@code If-None-Match} check (RFC 9110, weak comparison). Stateless. */
final class Etags {
    private Etags() {}

    /** A strong ETag from everything that decides the bytes: asset version, model, canonical parameters. */
    static String of(AssetMeta meta, ImageRequest request) {
        String identity = meta.name() + "\n" + meta.version() + "\n" + meta.modelSha256() + "\n" + request.canonical();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether an {@code If-None-Match} header value matches {@code etag} (so a 304 is due). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
