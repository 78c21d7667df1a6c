package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.plane;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.ImageException;
import dev.iris.image.Rgb8Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebpLrCodecTest {
    private final LrCodec webp = LrCodec.webp();

    @Test
    void encode_thenDecode_isPixelIdentical_onNoiseWithAlpha() {
        Rgb8Image lr = random(67, 45, 1).withAlpha(plane(67, 45, 2));
        EncodedLr encoded = webp.encode(lr);
        assertEquals("RIFF", new String(encoded.lr(), 0, 4, StandardCharsets.US_ASCII));
        Rgb8Image back = webp.decode(encoded, 67, 45);
        assertArrayEquals(lr.rgb(), back.rgb());
        assertArrayEquals(lr.alpha(), back.alpha());
        EncodedLr opaque = webp.encode(lr.withoutAlpha());
        assertNull(opaque.alpha());
        Rgb8Image opaqueBack = webp.decode(opaque, 67, 45);
        assertNull(opaqueBack.alpha());
        assertArrayEquals(lr.rgb(), opaqueBack.rgb());
    }

    @Test
    void encode_thenDecode_isPixelIdentical_onAPhoto_andSmallerThanPng() throws IOException {
        Rgb8Image photo = Decoder.decode(fixture("photo.png"), DecodeLimits.defaults());
        EncodedLr encoded = webp.encode(photo);
        assertArrayEquals(photo.rgb(), webp.decode(encoded, photo.width(), photo.height()).rgb());
        int png = LrCodec.png().encode(photo).lr().length;
        assertTrue(encoded.lr().length < png, encoded.lr().length + " bytes as webp, " + png + " as png");
    }

    @Test
    void decode_ofAnotherSizeOrFormat_saysWhatItFound() {
        EncodedLr encoded = webp.encode(random(7, 5, 1));
        ImageException e = assertThrows(ImageException.class, () -> webp.decode(encoded, 8, 5));
        assertEquals("the stored LR is a webp of 7x5, metadata says a webp of 8x5", e.getMessage());
        EncodedLr png = LrCodec.png().encode(random(7, 5, 1));
        e = assertThrows(ImageException.class, () -> webp.decode(png, 7, 5));
        assertEquals("the stored LR is a png of 7x5, metadata says a webp of 7x5", e.getMessage());
        EncodedLr mismatched = new EncodedLr(encoded.lr(), webp.encode(random(6, 5, 2)).lr());
        e = assertThrows(ImageException.class, () -> webp.decode(mismatched, 7, 5));
        assertEquals("the stored alpha plane is a webp of 6x5, metadata says a webp of 7x5", e.getMessage());
    }

    @Test
    void decode_ofAPayloadClaimingAHugeImage_isRefusedFromItsHeader() {
        // A VP8L header alone saying 16384x16384 (1 GiB of pixels once decoded): refused before any decoding.
        EncodedLr bomb = new EncodedLr(vp8lHeader(16384, 16384), null);
        ImageException e = assertThrows(ImageException.class, () -> webp.decode(bomb, 7, 5));
        assertEquals("the stored LR is a webp of 16384x16384, metadata says a webp of 7x5", e.getMessage());
    }

    @Test
    void byId_findsWebpByTheIdItRecords() {
        assertSame(webp, LrCodec.byId("webp").orElseThrow());
        assertEquals("webp", webp.id());
        assertEquals("webp", webp.extension());
        assertTrue(webp.available());
    }

    /** The RIFF container and VP8L header of a lossless WebP of {@code w} x {@code h}, without image data. */
    static byte[] vp8lHeader(int w, int h) {
        int bits = (w - 1) | (h - 1) << 14; // no alpha hint, version 0
        byte[] vp8l = {0x2f, (byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >>> 24), 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(4 + 8 + vp8l.length));
        out.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(vp8l.length));
        out.writeBytes(vp8l);
        return out.toByteArray();
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = WebpLrCodecTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }
}
