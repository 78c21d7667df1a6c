package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetName;
import dev.iris.image.Encoder;
import dev.iris.image.Fit;
import dev.iris.image.ImageFormat;
import dev.iris.render.ImageRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Content negotiation on its own: which format a request gets and whether the answer varies by Accept. */
class NegotiatorTest {
    private static final String BROWSER = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";

    private static ImageRequest jpeg(boolean explicit) {
        return new ImageRequest(new AssetName("photo"), 100, 0, Fit.COVER, 85, ImageFormat.JPEG, explicit,
                Optional.empty());
    }

    @Test
    void withWebpOn_anImplicitFormatBecomesWebpForClientsThatAcceptIt_andVaries() {
        var negotiated = new Negotiator(true).choose(jpeg(false), BROWSER);
        assertEquals(Encoder.supports(ImageFormat.WEBP) ? ImageFormat.WEBP : ImageFormat.JPEG,
                negotiated.request().format());
        assertTrue(negotiated.variesByAccept());
        var old = new Negotiator(true).choose(jpeg(false), "image/jpeg,*/*");
        assertEquals(ImageFormat.JPEG, old.request().format());
        assertTrue(old.variesByAccept()); // the same URL answers differently by Accept, so caches must know
        assertEquals(ImageFormat.JPEG, new Negotiator(true).choose(jpeg(false), null).request().format());
    }

    @Test
    void anExplicitFormat_orWebpOff_isNeverNegotiated() {
        var explicit = new Negotiator(true).choose(jpeg(true), BROWSER);
        assertEquals(ImageFormat.JPEG, explicit.request().format());
        assertFalse(explicit.variesByAccept());
        var off = new Negotiator(false).choose(jpeg(false), BROWSER);
        assertEquals(ImageFormat.JPEG, off.request().format());
        assertFalse(off.variesByAccept());
    }
}
