package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class EncoderTest {
    private static final DecodeLimits LIMITS = DecodeLimits.defaults();

    @Test
    void supports_pngAndJpeg_always() {
        assertTrue(Encoder.supports(ImageFormat.PNG));
        assertTrue(Encoder.supports(ImageFormat.JPEG));
    }

    @Test
    void supports_webp_matchesWhetherEncodingWorks() {
        Rgb8Image img = Fixtures.synthetic(8, 8, (x, y) -> x * 0x100000);
        if (Encoder.supports(ImageFormat.WEBP)) {
            byte[] out = Encoder.encode(img, ImageFormat.WEBP, 80);
            assertEquals("RIFF", new String(out, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        } else {
            assertEquals("webp output is not available on this server",
                    assertThrows(ImageException.class, () -> Encoder.encode(img, ImageFormat.WEBP, 80)).getMessage());
        }
    }

    @Test
    void webpLossless_roundTripsExactly_includingColoursUnderTransparentPixels() {
        assumeTrue(Encoder.supports(ImageFormat.WEBP));
        java.util.Random random = new java.util.Random(7);
        byte[] rgb = new byte[3 * 40 * 30];
        byte[] alpha = new byte[40 * 30];
        random.nextBytes(rgb);
        random.nextBytes(alpha);
        for (int i = 0; i < alpha.length; i += 3) {
            alpha[i] = 0; // fully transparent: libwebp would by default drop the colour under these
        }
        Rgb8Image rgba = Rgb8Image.opaque(40, 30, rgb).withAlpha(alpha);
        for (int[] effort : new int[][] {{0, 0}, {4, 50}, {6, 100}}) {
            byte[] webp = Encoder.webpLossless(rgba, effort[0], effort[1]);
            assertEquals("VP8L", new String(webp, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
            Rgb8Image back = Decoder.decode(webp, LIMITS);
            assertArrayEquals(rgba.rgb(), back.rgb(), "method " + effort[0]);
            assertArrayEquals(rgba.alpha(), back.alpha(), "method " + effort[0]);
        }
    }

    @Test
    void webpLossless_outOfRangeSettings_areRefused() {
        Rgb8Image img = Fixtures.synthetic(8, 8, (x, y) -> x * 0x100000);
        assertEquals("expected method 0..6 and effort 0..100, got 7 and 50",
                assertThrows(IllegalArgumentException.class, () -> Encoder.webpLossless(img, 7, 50)).getMessage());
    }

    @Test
    void encode_png_roundTripsExactly() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        Rgb8Image back = Decoder.decode(Encoder.encode(photo, ImageFormat.PNG, 0), LIMITS);
        assertArrayEquals(photo.rgb(), back.rgb());
        assertNull(back.alpha());
    }

    @Test
    void encode_pngWithAlpha_roundTripsExactly() {
        Rgb8Image rgba = Fixtures.image(Fixtures.RGBA_PNG);
        Rgb8Image back = Decoder.decode(Encoder.encode(rgba, ImageFormat.PNG, 100), LIMITS);
        assertArrayEquals(rgba.rgb(), back.rgb());
        assertArrayEquals(rgba.alpha(), back.alpha());
    }

    @Test
    void encode_jpegQuality90_closeToPhoto() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        byte[] jpeg = Encoder.encode(photo, ImageFormat.JPEG, 90);
        assertEquals(0xFF, jpeg[0] & 0xFF);
        assertEquals(0xD8, jpeg[1] & 0xFF);
        Rgb8Image back = Decoder.decode(jpeg, LIMITS);
        double psnr = Quality.psnrY(photo, back, 0);
        assertTrue(psnr > 35, "psnr-y " + psnr);
        assertTrue(Quality.psnrRgb(photo, back, 0) > 32, "psnr-rgb " + Quality.psnrRgb(photo, back, 0));
    }

    @Test
    void encode_jpegLowerQuality_smallerFile() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        assertTrue(Encoder.encode(photo, ImageFormat.JPEG, 30).length < Encoder.encode(photo, ImageFormat.JPEG, 95).length);
        assertTrue(Encoder.encode(photo, ImageFormat.JPEG, 1).length > 0);
    }

    @Test
    void encode_jpegWithAlpha_compositedOntoWhite() {
        Rgb8Image rgba = Fixtures.image(Fixtures.RGBA_PNG);
        Rgb8Image back = Decoder.decode(Encoder.encode(rgba, ImageFormat.JPEG, 95), LIMITS);
        assertNull(back.alpha());
        // transparent top-right quarter is white; opaque left half keeps its colour
        assertEquals(255, back.sample(50, 10, 0), 4);
        assertEquals(255, back.sample(50, 10, 1), 4);
        assertEquals(255, back.sample(50, 10, 2), 4);
        assertEquals(40, back.sample(10, 20, 0), 6);
        assertEquals(100, back.sample(10, 20, 1), 6);
    }

    @Test
    void encode_badQuality_throws() {
        Rgb8Image img = Fixtures.synthetic(4, 4, (x, y) -> 0);
        assertThrows(IllegalArgumentException.class, () -> Encoder.encode(img, ImageFormat.JPEG, 0));
        assertThrows(IllegalArgumentException.class, () -> Encoder.encode(img, ImageFormat.JPEG, 101));
    }

    @Test
    void encode_webp_roundTripKeepsColourAndAlpha() {
        assumeTrue(Encoder.supports(ImageFormat.WEBP), "no webp on this machine");
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        Rgb8Image back = Decoder.decode(Encoder.encode(photo, ImageFormat.WEBP, 90), LIMITS);
        assertTrue(Quality.psnrY(photo, back, 0) > 33, "psnr-y " + Quality.psnrY(photo, back, 0));
        assertTrue(Encoder.encode(photo, ImageFormat.WEBP, 20).length < Encoder.encode(photo, ImageFormat.WEBP, 95).length);

        Rgb8Image rgba = Fixtures.image(Fixtures.RGBA_PNG);
        Rgb8Image backA = Decoder.decode(Encoder.encode(rgba, ImageFormat.WEBP, 90), LIMITS);
        assertNotNull(backA.alpha());
        assertEquals(255, backA.alpha()[20 * 64 + 10] & 0xFF, 2);
        assertEquals(0, backA.alpha()[10 * 64 + 40] & 0xFF, 2);
        assertEquals(100, backA.alpha()[30 * 64 + 50] & 0xFF, 3);
    }
}
