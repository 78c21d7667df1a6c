package dev.iris.web;

import dev.iris.asset.AssetMeta;
import dev.iris.render.ImageRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * HTTP caching for image responses: a strong {@code ETag}, {@code Cache-Control} ({@code immutable} when the URL
 * names the current version), {@code Vary: Accept} when negotiated, and {@code 304} for a matching
 * {@code If-None-Match}; a provisional answer (the LR resampled while its restore is made) gets none of the
 * validators and {@code no-store}, so no cache keeps it in place of the restored image. Thread-safe.
 */
final class CachingHeaders {
    private final Duration maxAge;

    CachingHeaders(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** The headers of one image response. */
    record Headers(String etag, String cacheControl, boolean variesByAccept) {}

    /** The headers of the final answer to {@code asked} for the version {@code meta}. */
    Headers of(AssetMeta meta, ImageRequest asked, Negotiator.Negotiated out) {
        boolean versioned = asked.version().map(v -> v.equals(meta.version())).orElse(false);
        return new Headers(Etags.of(meta, out.request()),
                "public, max-age=" + maxAge.toSeconds() + (versioned ? ", immutable" : ""), out.variesByAccept());
    }

    /**
     * Answers {@code 304}, with the headers, when the client's copy is current (before any work).
     *
     * @return whether the response is complete (a 304)
     */
    boolean notModified(Headers headers, HttpServletRequest request, HttpServletResponse response) {
        if (!Etags.matches(request.getHeader("If-None-Match"), headers.etag())) {
            return false;
        }
        set(headers, false, response);
        response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
        return true;
    }

    /**
     * Sets the headers of a full answer; a {@code provisional} one gets {@code no-store} and no {@code ETag}, which
     * would otherwise let a client revalidate it into the restored image's place.
     */
    void set(Headers headers, boolean provisional, HttpServletResponse response) {
        if (provisional) {
            response.setHeader("Cache-Control", "no-store");
        } else {
            response.setHeader("ETag", headers.etag());
            response.setHeader("Cache-Control", headers.cacheControl());
        }
        if (headers.variesByAccept()) {
            response.setHeader("Vary", "Accept");
        }
    }
}
