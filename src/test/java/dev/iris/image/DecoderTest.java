package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecoderTest {
    private static final DecodeLimits LIMITS = DecodeLimits.defaults();

    @Test
    void probe_pngAndJpeg_giveFormatAndSize() {
        assertEquals(new ImageHeader("png", 256, 192), Decoder.probe(Fixtures.bytes(Fixtures.PHOTO_PNG)));
        assertEquals(new ImageHeader("jpeg", 256, 192), Decoder.probe(Fixtures.bytes(Fixtures.PHOTO_JPG)));
        // stored (pre-rotation) size
        assertEquals(new ImageHeader("jpeg", 32, 48), Decoder.probe(Fixtures.bytes(Fixtures.orient(6))));
    }

    @Test
    void probe_hugeHeader_readsOnlyTheHeader() {
        assertEquals(new ImageHeader("png", 100_000, 100_000), Decoder.probe(Fixtures.bytes(Fixtures.HUGE_HEADER_PNG)));
    }

    @Test
    void probe_badInputs_throwImageException() {
        assertEquals("empty file", assertThrows(ImageException.class, () -> Decoder.probe(new byte[0])).getMessage());
        assertEquals("not an image iris can read (expected JPEG, PNG or WebP)",
                assertThrows(ImageException.class, () -> Decoder.probe(Fixtures.bytes(Fixtures.TEXT_JPG))).getMessage());
    }

    @ParameterizedTest(name = "orientation {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void decode_exifOrientation_turnsImageUpright(int orientation) {
        Rgb8Image img = Fixtures.image(Fixtures.orient(orientation));
        assertEquals(48, img.width());
        assertEquals(32, img.height());
        assertColour(img, 4, 4, 255, 0, 0, 12);    // red top-left
        assertColour(img, 43, 4, 0, 255, 0, 12);   // green top-right
        assertColour(img, 4, 27, 0, 0, 255, 12);   // blue bottom-left
        assertColour(img, 43, 27, 128, 128, 128, 12); // grey bottom-right
    }

    @Test
    void decode_photoJpeg_closeToPng() {
        Rgb8Image png = Fixtures.image(Fixtures.PHOTO_PNG);
        Rgb8Image jpg = Fixtures.image(Fixtures.PHOTO_JPG);
        assertNull(png.alpha());
        assertNull(jpg.alpha());
        assertTrue(Quality.psnrRgb(png, jpg, 0) > 30, "psnr " + Quality.psnrRgb(png, jpg, 0));
    }

    @Test
    void decode_grayscalePng_becomesEqualRgb() {
        Rgb8Image gray = Fixtures.image(Fixtures.GRAY_PNG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        assertNull(gray.alpha());
        for (int y = 0; y < 192; y += 7) {
            for (int x = 0; x < 256; x += 5) {
                int expected = (int) Math.round(0.299 * photo.sample(x, y, 0) + 0.587 * photo.sample(x, y, 1)
                        + 0.114 * photo.sample(x, y, 2));
                // no gamma change: the stored grey value comes out as is
                assertEquals(expected, gray.sample(x, y, 0));
                assertEquals(expected, gray.sample(x, y, 1));
                assertEquals(expected, gray.sample(x, y, 2));
            }
        }
    }

    @Test
    void decode_grayAlphaPng_keepsAlpha() {
        Rgb8Image img = Fixtures.image(Fixtures.GRAY_ALPHA_PNG);
        assertNotNull(img.alpha());
        assertColour(img, 10, 5, 40, 40, 40, 0);
        assertEquals(255, img.alpha()[5 * 64 + 10] & 0xFF);
        assertEquals(128, img.alpha()[40 * 64 + 10] & 0xFF);
        assertColour(img, 63, 40, 252, 252, 252, 0);
    }

    @Test
    void decode_sixteenBitPng_equalsEightBitPhoto() {
        Rgb8Image img = Fixtures.image(Fixtures.RGB16_PNG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        assertEquals(Double.POSITIVE_INFINITY, Quality.psnrRgb(photo, img, 0));
    }

    @Test
    void decode_rgbaPng_keepsStraightAlpha() {
        Rgb8Image img = Fixtures.image(Fixtures.RGBA_PNG);
        assertNotNull(img.alpha());
        assertColour(img, 10, 20, 40, 100, 0x40, 0);
        assertEquals(255, img.alpha()[20 * 64 + 10] & 0xFF);
        assertEquals(0, img.alpha()[10 * 64 + 40] & 0xFF);
        assertEquals(100, img.alpha()[30 * 64 + 50] & 0xFF);
        assertColour(img, 50, 30, 200, 150, 0x40, 0); // straight, not premultiplied
    }

    @Test
    void decode_palettePng_mapsColoursAndTransparency() {
        Rgb8Image img = Fixtures.image(Fixtures.PALETTE_PNG);
        assertNotNull(img.alpha());
        assertColour(img, 3, 3, 255, 0, 0, 0);
        assertColour(img, 20, 3, 0, 255, 0, 0);
        assertColour(img, 3, 20, 0, 0, 255, 0);
        assertEquals(255, img.alpha()[3 * 32 + 3] & 0xFF);
        assertEquals(0, img.alpha()[20 * 32 + 20] & 0xFF);
    }

    @Test
    void decode_adobeYcckJpeg_closeToPhoto() {
        Rgb8Image img = Fixtures.image(Fixtures.CMYK_JPG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        assertEquals(256, img.width());
        double psnr = Quality.psnrRgb(photo, img, 0);
        assertTrue(psnr > 30, "psnr " + psnr);
    }

    @Test
    void decode_plainCmykJpeg_closeToPhoto() {
        Rgb8Image img = Fixtures.image(Fixtures.CMYK_PLAIN_JPG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        double psnr = Quality.psnrRgb(photo, img, 0);
        assertTrue(psnr > 30, "psnr " + psnr);
    }

    @Test
    void decode_iccProfiledPng_convertedToSrgb() {
        Rgb8Image img = Fixtures.image(Fixtures.ICC_LINEAR_PNG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        // Stored as linear light, the samples are much darker; converted, they match the photo again.
        double diff = Fixtures.meanAbsDiff(photo, img);
        assertTrue(diff < 3, "mean abs diff " + diff);
    }

    @Test
    void decode_iccProfiledJpeg_convertedToSrgb() {
        Rgb8Image img = Fixtures.image(Fixtures.ICC_LINEAR_JPG);
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        double diff = Fixtures.meanAbsDiff(photo, img);
        assertTrue(diff < 6, "mean abs diff " + diff);
    }

    @Test
    void decode_emptyFile_says() {
        assertEquals("empty file", message(Fixtures.bytes(Fixtures.EMPTY_JPG)));
    }

    @Test
    void decode_textNamedJpg_says() {
        assertEquals("not an image iris can read (expected JPEG, PNG or WebP)", message(Fixtures.bytes(Fixtures.TEXT_JPG)));
    }

    @Test
    void decode_truncatedJpeg_says() {
        assertEquals("corrupt or truncated image", message(Fixtures.bytes(Fixtures.TRUNCATED_JPG)));
    }

    @Test
    void decode_truncatedPng_says() {
        byte[] png = Fixtures.bytes(Fixtures.PHOTO_PNG);
        assertEquals("damaged PNG: chunk IDAT runs past the end of the file",
                message(java.util.Arrays.copyOf(png, png.length / 2)));
    }

    @Test
    void decode_pngWithABrokenChunkCrc_isRefused() {
        // ImageIO alone accepts these: it never checks a CRC.
        byte[] ihdr = Fixtures.bytes(Fixtures.PHOTO_PNG);
        ihdr[16] ^= 0x01; // the width's high byte
        assertEquals("damaged PNG: chunk IHDR fails its CRC check", message(ihdr));
        byte[] idat = Fixtures.bytes(Fixtures.PHOTO_PNG);
        idat[idat.length - 20] ^= 0x40; // inside the last IDAT, before IEND
        assertEquals("damaged PNG: chunk IDAT fails its CRC check", message(idat));
    }

    @Test
    void decode_hugeHeader_rejectedBeforeDecoding() {
        long t0 = System.nanoTime();
        assertEquals("image is 100000x100000 (10000.0 megapixels), more than the 50.0 allowed",
                message(Fixtures.bytes(Fixtures.HUGE_HEADER_PNG)));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @Test
    void decode_overLimits_rejectedWithSize() {
        byte[] photo = Fixtures.bytes(Fixtures.PHOTO_PNG);
        assertEquals("image is 256x192 (0.0 megapixels), more than the 0.0 allowed",
                assertThrows(ImageException.class, () -> Decoder.decode(photo, new DecodeLimits(40_000, 1000)))
                        .getMessage());
        assertEquals("image is 256x192, a side longer than the 200 pixels allowed",
                assertThrows(ImageException.class, () -> Decoder.decode(photo, new DecodeLimits(1_000_000, 200)))
                        .getMessage());
        assertEquals(256, Decoder.decode(photo, new DecodeLimits(256 * 192, 256)).width());
    }

    @Test
    void decode_webp_whenReaderPresent() {
        assumeTrue(Encoder.supports(ImageFormat.WEBP), "no webp on this machine");
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        byte[] webp = Encoder.encode(photo, ImageFormat.WEBP, 90);
        assertEquals(new ImageHeader("webp", 256, 192), Decoder.probe(webp));
        Rgb8Image back = Decoder.decode(webp, LIMITS);
        assertTrue(Quality.psnrRgb(photo, back, 0) > 30);
    }

    /** Damaged versions of every fixture: only ImageException may come out. */
    @Test
    void decode_mangledBytes_onlyImageException() {
        Random random = new Random(1234);
        String[] names = {Fixtures.PHOTO_JPG, Fixtures.PHOTO_PNG, Fixtures.PALETTE_PNG, Fixtures.RGBA_PNG,
            Fixtures.CMYK_JPG, Fixtures.GRAY_ALPHA_PNG, Fixtures.orient(6), Fixtures.ICC_LINEAR_PNG};
        int rejected = 0;
        for (String name : names) {
            byte[] original = Fixtures.bytes(name);
            for (int i = 0; i < 40; i++) {
                byte[] data;
                if (i % 4 == 0) {
                    data = java.util.Arrays.copyOf(original, 1 + random.nextInt(original.length - 1));
                } else {
                    data = original.clone();
                    int flips = 1 + random.nextInt(i % 4 == 1 ? 3 : 40);
                    // mostly in the first kilobyte, where the headers are
                    for (int f = 0; f < flips; f++) {
                        int at = random.nextInt(Math.min(data.length, i % 2 == 0 ? data.length : 1024));
                        data[at] = (byte) random.nextInt(256);
                    }
                }
                try {
                    Rgb8Image img = Decoder.decode(data, new DecodeLimits(4_000_000, 4000));
                    assertTrue(img.width() > 0);
                } catch (ImageException e) {
                    rejected++;
                    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
                }
            }
        }
        assertTrue(rejected > 0);
    }

    private static String message(byte[] data) {
        return assertThrows(ImageException.class, () -> Decoder.decode(data, LIMITS)).getMessage();
    }

    private static void assertColour(Rgb8Image img, int x, int y, int r, int g, int b, int tolerance) {
        String at = " at " + x + "," + y;
        assertEquals(r, img.sample(x, y, 0), tolerance, "R" + at);
        assertEquals(g, img.sample(x, y, 1), tolerance, "G" + at);
        assertEquals(b, img.sample(x, y, 2), tolerance, "B" + at);
    }
}
