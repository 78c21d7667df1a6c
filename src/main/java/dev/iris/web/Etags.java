package dev.iris.web;

import dev.iris.render.ImageRequest;
import dev.iris.asset.AssetMeta;
import dev.iris.hash.Sha256;
import java.nio.charset.StandardCharsets;

/** Strong entity tags and the {@code If-None-Match} check (RFC 9110, weak comparison). Stateless. */
final class Etags {
    private Etags() {}

    /** A strong ETag from everything that decides the bytes: asset version, model, canonical parameters. */
    static String of(AssetMeta meta, ImageRequest request) {
        String identity = meta.name() + "\n" + meta.version() + "\n" + meta.modelSha256() + "\n" + request.canonical();
        return "\"" + Sha256.hexPrefix(12, identity.getBytes(StandardCharsets.UTF_8)) + "\"";
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
