package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ResizePlanTest {

    private static ResizePlan plan(int rw, int rh, int cx, int cy, int cw, int ch, int px, int py, int ow, int oh) {
        return new ResizePlan(rw, rh, cx, cy, cw, ch, px, py, ow, oh);
    }

    /** Columns: source, request, fit, enlarge, then resize, crop x y w h, pad x y, output. */
    @ParameterizedTest(name = "{0}x{1} to {2}x{3} {4} enlarge={5}")
    @CsvSource({
        // landscape 800x600
        "800, 600, 0, 0, COVER, true, 800, 600, 0, 0, 800, 600, 0, 0, 800, 600",
        "800, 600, 300, 300, FILL, true, 300, 300, 0, 0, 300, 300, 0, 0, 300, 300",
        "800, 600, 300, 300, COVER, true, 400, 300, 50, 0, 300, 300, 0, 0, 300, 300",
        "800, 600, 300, 300, CONTAIN, true, 300, 225, 0, 0, 300, 225, 0, 37, 300, 300",
        "800, 600, 300, 300, INSIDE, true, 300, 225, 0, 0, 300, 225, 0, 0, 300, 225",
        "800, 600, 300, 300, OUTSIDE, true, 400, 300, 0, 0, 400, 300, 0, 0, 400, 300",
        // portrait 600x800 into a wide box
        "600, 800, 200, 100, FILL, true, 200, 100, 0, 0, 200, 100, 0, 0, 200, 100",
        "600, 800, 200, 100, COVER, true, 200, 267, 0, 83, 200, 100, 0, 0, 200, 100",
        "600, 800, 200, 100, CONTAIN, true, 75, 100, 0, 0, 75, 100, 62, 0, 200, 100",
        "600, 800, 200, 100, INSIDE, true, 75, 100, 0, 0, 75, 100, 0, 0, 75, 100",
        "600, 800, 200, 100, OUTSIDE, true, 200, 267, 0, 0, 200, 267, 0, 0, 200, 267",
        // prime sizes
        "97, 61, 31, 17, FILL, true, 31, 17, 0, 0, 31, 17, 0, 0, 31, 17",
        "97, 61, 31, 17, COVER, true, 31, 19, 0, 1, 31, 17, 0, 0, 31, 17",
        "97, 61, 31, 17, CONTAIN, true, 27, 17, 0, 0, 27, 17, 2, 0, 31, 17",
        "97, 61, 31, 17, INSIDE, true, 27, 17, 0, 0, 27, 17, 0, 0, 27, 17",
        "97, 61, 31, 17, OUTSIDE, true, 31, 19, 0, 0, 31, 19, 0, 0, 31, 19",
        // tiny source, enlarged
        "1, 1, 50, 30, FILL, true, 50, 30, 0, 0, 50, 30, 0, 0, 50, 30",
        "1, 1, 50, 30, COVER, true, 50, 50, 0, 10, 50, 30, 0, 0, 50, 30",
        "1, 1, 50, 30, CONTAIN, true, 30, 30, 0, 0, 30, 30, 10, 0, 50, 30",
        "1, 1, 50, 30, INSIDE, true, 30, 30, 0, 0, 30, 30, 0, 0, 30, 30",
        "1, 1, 50, 30, OUTSIDE, true, 50, 50, 0, 0, 50, 50, 0, 0, 50, 50",
        // extreme shapes: a side would round to 0 and is kept at 1
        "1000, 10, 100, 100, INSIDE, true, 100, 1, 0, 0, 100, 1, 0, 0, 100, 1",
        "1000, 10, 100, 100, CONTAIN, true, 100, 1, 0, 0, 100, 1, 0, 49, 100, 100",
        "1000, 1, 10, 10, INSIDE, true, 10, 1, 0, 0, 10, 1, 0, 0, 10, 1",
        // enlarge = false: the box shrinks, keeping its shape, until no enlargement is needed
        "800, 600, 0, 0, FILL, false, 800, 600, 0, 0, 800, 600, 0, 0, 800, 600",
        "800, 600, 400, 300, COVER, false, 400, 300, 0, 0, 400, 300, 0, 0, 400, 300",
        "800, 600, 1000, 500, FILL, false, 800, 400, 0, 0, 800, 400, 0, 0, 800, 400",
        "800, 600, 1000, 500, COVER, false, 800, 600, 0, 100, 800, 400, 0, 0, 800, 400",
        "800, 600, 1600, 1600, CONTAIN, false, 800, 600, 0, 0, 800, 600, 0, 100, 800, 800",
        "800, 600, 1600, 1600, INSIDE, false, 800, 600, 0, 0, 800, 600, 0, 0, 800, 600",
        "800, 600, 1600, 1600, OUTSIDE, false, 800, 600, 0, 0, 800, 600, 0, 0, 800, 600",
        "97, 61, 200, 200, COVER, false, 97, 61, 18, 0, 61, 61, 0, 0, 61, 61",
        "1, 1, 50, 30, CONTAIN, false, 1, 1, 0, 0, 1, 1, 0, 0, 2, 1",
        "1, 1, 50, 30, FILL, false, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1",
    })
    void of_bothOrNeitherSide(int sw, int sh, int w, int h, Fit fit, boolean enlarge, int rw, int rh, int cx, int cy,
            int cw, int ch, int px, int py, int ow, int oh) {
        assertEquals(plan(rw, rh, cx, cy, cw, ch, px, py, ow, oh), ResizePlan.of(sw, sh, w, h, fit, enlarge));
    }

    /** One side given: the other follows the aspect ratio (rounded, at least 1) whatever the fit. */
    @ParameterizedTest(name = "{0}x{1} to {2}x{3} enlarge={4}")
    @CsvSource({
        "800, 600, 400, 0, true, 400, 300",
        "800, 600, 0, 100, true, 133, 100",
        "600, 800, 0, 100, true, 75, 100",
        "97, 61, 50, 0, true, 50, 31",
        "97, 61, 0, 7, true, 11, 7",
        "3, 2, 1, 0, true, 1, 1",
        "3, 1, 1, 0, true, 1, 1",
        "1, 1, 64, 0, true, 64, 64",
        "800, 600, 1600, 0, false, 800, 600",
        "800, 600, 0, 1200, false, 800, 600",
        "1, 1, 64, 0, false, 1, 1",
    })
    void of_oneSideFollowsAspectRatio(int sw, int sh, int w, int h, boolean enlarge, int ow, int oh) {
        for (Fit fit : Fit.values()) {
            assertEquals(plan(ow, oh, 0, 0, ow, oh, 0, 0, ow, oh), ResizePlan.of(sw, sh, w, h, fit, enlarge),
                    fit.word());
        }
    }

    @ParameterizedTest
    @EnumSource(Fit.class)
    void of_randomShapes_planIsConsistent(Fit fit) {
        Random random = new Random(42 + fit.ordinal());
        for (int i = 0; i < 3000; i++) {
            int sw = 1 + random.nextInt(i % 3 == 0 ? 7 : 3000);
            int sh = 1 + random.nextInt(i % 5 == 0 ? 7 : 3000);
            int w = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(2500);
            int h = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(2500);
            boolean enlarge = random.nextBoolean();
            ResizePlan p = ResizePlan.of(sw, sh, w, h, fit, enlarge);
            String what = sw + "x" + sh + " to " + w + "x" + h + " " + fit + " " + enlarge + ": " + p;
            assertTrue(p.resizeWidth() >= 1 && p.resizeHeight() >= 1, what);
            assertTrue(p.cropX() >= 0 && p.cropY() >= 0 && p.cropWidth() >= 1 && p.cropHeight() >= 1, what);
            assertTrue(p.cropX() + p.cropWidth() <= p.resizeWidth(), what);
            assertTrue(p.cropY() + p.cropHeight() <= p.resizeHeight(), what);
            assertTrue(p.padX() >= 0 && p.padY() >= 0, what);
            assertTrue(p.padX() + p.cropWidth() <= p.outWidth(), what);
            assertTrue(p.padY() + p.cropHeight() <= p.outHeight(), what);
            if (!enlarge) {
                assertFalse(p.enlarges(sw, sh), what);
            }
            if (enlarge && w > 0 && h > 0 && (fit == Fit.COVER || fit == Fit.CONTAIN || fit == Fit.FILL)) {
                assertEquals(w, p.outWidth(), what);
                assertEquals(h, p.outHeight(), what);
            }
            if (enlarge && w > 0 && h > 0 && fit == Fit.INSIDE) {
                assertTrue(p.outWidth() <= w && p.outHeight() <= h, what);
                assertTrue(p.outWidth() == w || p.outHeight() == h, what);
            }
            if (enlarge && w > 0 && h > 0 && fit == Fit.OUTSIDE) {
                assertTrue(p.outWidth() >= w && p.outHeight() >= h, what);
                assertTrue(p.outWidth() == w || p.outHeight() == h, what);
            }
        }
    }

    @Test
    void of_badArguments_throw() {
        assertThrows(IllegalArgumentException.class, () -> ResizePlan.of(0, 10, 5, 5, Fit.COVER, true));
        assertThrows(IllegalArgumentException.class, () -> ResizePlan.of(10, 10, -1, 5, Fit.COVER, true));
        assertThrows(IllegalArgumentException.class, () -> ResizePlan.of(10, 10, 5, 5, null, true));
    }

    @Test
    void enlarges_comparesResizeWithSource() {
        assertTrue(plan(11, 10, 0, 0, 11, 10, 0, 0, 11, 10).enlarges(10, 10));
        assertFalse(plan(10, 10, 0, 0, 10, 10, 0, 0, 20, 20).enlarges(10, 10));
    }
}
