package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExifTest {

    @Test
    void orientation_bothByteOrders_read() {
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, Exif.orientation(Fixtures.bytes(Fixtures.orient(o))), "orientation " + o);
        }
    }

    @Test
    void orientation_missingOrBroken_isOne() {
        assertEquals(1, Exif.orientation(Fixtures.bytes(Fixtures.PHOTO_JPG)));
        assertEquals(1, Exif.orientation(Fixtures.bytes(Fixtures.PHOTO_PNG)));
        assertEquals(1, Exif.orientation(new byte[0]));
        byte[] cut = java.util.Arrays.copyOf(Fixtures.bytes(Fixtures.orient(6)), 30);
        assertEquals(1, Exif.orientation(cut));
    }

    @Test
    void apply_rotate90_movesCorners() {
        // 3x2 stored, orientation 6 (rotate 90 clockwise to view) gives 2x3 with stored (0,0) at the top right.
        Rgb8Image stored = Fixtures.synthetic(3, 2, (x, y) -> 10 * y + x + 1);
        Rgb8Image up = Exif.apply(stored, 6);
        assertEquals(2, up.width());
        assertEquals(3, up.height());
        assertEquals(1, up.sample(1, 0, 2));
        assertEquals(11, up.sample(0, 0, 2));
        assertEquals(3, up.sample(1, 2, 2));
    }

    @Test
    void adobeTransform_ycckFixture_isTwo() {
        assertEquals(2, Exif.adobeTransform(Fixtures.bytes(Fixtures.CMYK_JPG)));
        assertEquals(-1, Exif.adobeTransform(Fixtures.bytes(Fixtures.PHOTO_JPG)));
    }
}
