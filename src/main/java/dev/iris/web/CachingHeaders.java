package dev.iris.web;

import dev.iris.asset.AssetMeta;
import dev.iris.render.ImageRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * HTTP caching for image responses: a strong {@code ETag}, {@code Cache-Control} ({@code immutable} when the URL
 * names the current version), {@code Vary: Accept} when negotiated, and {@code 304} for a matching
 * {@code If-None-Match}. Thread-safe.
 */
final class CachingHeaders {
    private final Duration maxAge;

    CachingHeaders(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /**
     * Sets the caching headers and answers {@code 304} when the client's copy is current.
     *
     * @return whether the response is complete (a 304)
     */
    boolean notModified(AssetMeta meta, ImageRequest asked, Negotiator.Negotiated out, HttpServletRequest request,
            HttpServletResponse response) {
        String etag = Etags.of(meta, out.request());
        response.setHeader("ETag", etag);
        boolean versioned = asked.version().map(v -> v.equals(meta.version())).orElse(false);
        response.setHeader("Cache-Control", "public, max-age=" + maxAge.toSeconds() + (versioned ? ", immutable" : ""));
        if (out.variesByAccept()) {
            response.setHeader("Vary", "Accept");
        }
        if (Etags.matches(request.getHeader("If-None-Match"), etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return true;
        }
        return false;
    }
}
