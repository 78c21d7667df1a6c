package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class TensorCodecTest {
    @Test
    void toTensor_isPlanarRgbOver255_andToImageRoundsBack() {
        byte[] rgb = new byte[3 * 2 * 2];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 20);
        }
        Rgb8Image image = Rgb8Image.opaque(2, 2, rgb);
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor tensor = TensorCodec.toTensor(image, arena);
            assertEquals(java.util.List.of(1L, 3L, 2L, 2L), tensor.shape());
            float[] v = tensor.toArray();
            assertEquals(0 / 255f, v[0]); // R of (0,0)
            assertEquals(60 / 255f, v[1]); // R of (1,0): byte 3
            assertEquals(20 / 255f, v[4]); // G plane starts at 4: G of (0,0) is byte 1
            assertArrayEquals(rgb, TensorCodec.toImage(tensor, 2, 2).rgb());
        }
    }

    @Test
    void toImage_clampsAndRounds_andCropsTopLeft() {
        try (Arena arena = Arena.ofConfined()) {
            float[] v = new float[3 * 2 * 3];
            v[0] = -0.2f; // clamped to 0
            v[1] = 1.7f; // clamped to 255
            v[2] = 0.5f; // 127.5 rounds to 128
            FloatTensor tensor = FloatTensor.copyOf(arena, v, 1, 3, 2, 3);
            Rgb8Image image = TensorCodec.toImage(tensor, 2, 1);
            assertEquals(2, image.width());
            assertEquals(1, image.height());
            assertEquals(0, image.sample(0, 0, 0));
            assertEquals(255, image.sample(1, 0, 0));
        }
        assertEquals(128, TensorCodec.quantize(0.5f) & 0xFF);
    }

    @Test
    void reflectPad_mirrorsWithoutRepeatingTheEdge() {
        // One row 0 1 2 (as red), padded to 4 columns and 2 rows: 0 1 2 1 / same row reflected.
        byte[] rgb = {0, 0, 0, 1, 0, 0, 2, 0, 0};
        Rgb8Image padded = TensorCodec.reflectPad(Rgb8Image.opaque(3, 1, rgb), 2);
        assertEquals(4, padded.width());
        assertEquals(2, padded.height());
        int[] expectedRow = {0, 1, 2, 1};
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(expectedRow[x], padded.sample(x, y, 0), "x " + x + " y " + y);
            }
        }
    }

    @Test
    void reflectPad_multipleAlready_returnsSamePixelsWithoutAlpha() {
        Rgb8Image image = new Rgb8Image(4, 4, new byte[48], new byte[16]);
        Rgb8Image padded = TensorCodec.reflectPad(image, 4);
        assertEquals(4, padded.width());
        assertEquals(false, padded.hasAlpha());
    }
}
