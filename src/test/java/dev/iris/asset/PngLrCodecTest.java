package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.plane;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.image.ImageException;
import dev.iris.image.Rgb8Image;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class PngLrCodecTest {
    private final LrCodec png = LrCodec.png();

    @Test
    void encode_thenDecode_isLossless_withAndWithoutAlpha() {
        Rgb8Image lr = random(7, 5, 1).withAlpha(plane(7, 5, 2));
        EncodedLr encoded = png.encode(lr);
        Rgb8Image back = png.decode(encoded, 7, 5);
        assertArrayEquals(lr.rgb(), back.rgb());
        assertArrayEquals(lr.alpha(), back.alpha());
        EncodedLr opaque = png.encode(lr.withoutAlpha());
        assertNull(opaque.alpha());
        assertNull(png.decode(opaque, 7, 5).alpha());
    }

    @Test
    void encode_writesTheBytesEarlierReleasesStored() throws IOException {
        EncodedLr encoded = png.encode(random(7, 5, 1).withAlpha(plane(7, 5, 2)));
        assertArrayEquals(resource("cat.2f09bd1df822ae85.lr.png"), encoded.lr());
        assertArrayEquals(resource("cat.2f09bd1df822ae85.alpha.png"), encoded.alpha());
    }

    @Test
    void decode_ofAnotherSizeOrFormat_saysWhatItFound() {
        EncodedLr encoded = png.encode(random(7, 5, 1));
        ImageException e = assertThrows(ImageException.class, () -> png.decode(encoded, 8, 5));
        assertEquals("the stored LR is a png of 7x5, metadata says a png of 8x5", e.getMessage());
        EncodedLr mismatched = new EncodedLr(encoded.lr(), png.encode(random(6, 5, 2)).lr());
        e = assertThrows(ImageException.class, () -> png.decode(mismatched, 7, 5));
        assertEquals("the stored alpha plane is a png of 6x5, metadata says a png of 7x5", e.getMessage());
    }

    @Test
    void byId_findsPngByTheIdItRecords_andNoUnknownId() {
        assertSame(png, LrCodec.byId(png.id()).orElseThrow());
        assertEquals("png", png.id());
        assertTrue(LrCodec.byId("jxl").isEmpty());
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = PngLrCodecTest.class.getResourceAsStream("/fixtures/asset-store-v0/" + file)) {
            return in.readAllBytes();
        }
    }
}
