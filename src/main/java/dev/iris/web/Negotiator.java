package dev.iris.web;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.render.ImageRequest;

/**
 * Content negotiation: with {@code serving.acceptWebp} on, a request that names no format ({@code fm}) gets WebP
 * when its {@code Accept} allows it, and the response then varies by {@code Accept}. Refuses a format this server
 * cannot encode. Thread-safe.
 */
final class Negotiator {
    /** The request to render and whether its response depends on {@code Accept}. */
    record Negotiated(ImageRequest request, boolean variesByAccept) {}

    private final boolean acceptWebp;

    Negotiator(boolean acceptWebp) {
        this.acceptWebp = acceptWebp;
    }

    /** @param accept the {@code Accept} header, or null */
    Negotiated choose(ImageRequest asked, String accept) {
        boolean negotiable = acceptWebp && !asked.explicitFormat();
        boolean webp = negotiable && accept != null && accept.contains("image/webp")
                && Encoder.supports(ImageFormat.WEBP);
        ImageRequest request = webp ? asked.withFormat(ImageFormat.WEBP) : asked;
        if (!Encoder.supports(request.format())) {
            throw new IrisError.BadRequest(request.format().extension() + " output is not available on this server");
        }
        return new Negotiated(request, negotiable);
    }
}
