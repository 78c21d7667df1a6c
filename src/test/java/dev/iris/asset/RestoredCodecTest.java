package dev.iris.asset;

import static dev.iris.asset.BlobAssetStoreTest.plane;
import static dev.iris.asset.BlobAssetStoreTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.iris.image.Rgb8Image;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RestoredCodecTest {
    @Test
    void encode_thenDecode_isLossless_withAndWithoutAlpha() throws IOException {
        Rgb8Image opaque = random(37, 23, 1);
        Rgb8Image decoded = decode(RestoredCodec.encode(opaque), 37, 23, false);
        assertArrayEquals(opaque.rgb(), decoded.rgb());
        assertNull(decoded.alpha());
        Rgb8Image translucent = random(5, 40, 2).withAlpha(plane(5, 40, 3));
        Rgb8Image back = decode(RestoredCodec.encode(translucent), 5, 40, true);
        assertArrayEquals(translucent.rgb(), back.rgb());
        assertArrayEquals(translucent.alpha(), back.alpha());
    }

    @Test
    void decode_ofAnotherSizeOrAlpha_isRefusedBeforeReadingPixels() {
        byte[] encoded = RestoredCodec.encode(random(8, 6, 1));
        var e = assertThrows(RestoredCodec.Corrupt.class, () -> decode(encoded, 8, 7, false));
        assertEquals("restored image is 8x6 without alpha, expected 8x7 without alpha", e.getMessage());
        assertThrows(RestoredCodec.Corrupt.class, () -> decode(encoded, 8, 6, true));
    }

    @Test
    void decode_ofDamagedBytes_isRefused() {
        byte[] encoded = RestoredCodec.encode(random(64, 64, 1));
        byte[] truncated = Arrays.copyOf(encoded, encoded.length / 2);
        assertThrows(IOException.class, () -> decode(truncated, 64, 64, false));
        byte[] wrongCrc = encoded.clone();
        wrongCrc[19] ^= 1; // the last byte of the 20-byte header: the CRC
        var e = assertThrows(RestoredCodec.Corrupt.class, () -> decode(wrongCrc, 64, 64, false));
        assertEquals("restored image fails its CRC", e.getMessage());
        assertThrows(RestoredCodec.Corrupt.class, () -> decode("not an image".getBytes(), 64, 64, false));
    }

    private static Rgb8Image decode(byte[] bytes, int w, int h, boolean alpha) throws IOException {
        return RestoredCodec.decode(new ByteArrayInputStream(bytes), w, h, alpha);
    }
}
