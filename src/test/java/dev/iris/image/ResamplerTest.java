package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResamplerTest {

    @ParameterizedTest
    @EnumSource(Filter.class)
    void resize_constantImage_staysConstant(Filter filter) {
        Rgb8Image flat = Fixtures.synthetic(37, 23, (x, y) -> 0x4A90E2);
        int[][] sizes = {{100, 7}, {5, 50}, {1, 1}, {37, 11}, {74, 46}, {13, 23}};
        for (int[] s : sizes) {
            Rgb8Image out = Resampler.resize(flat, s[0], s[1], filter);
            assertEquals(s[0], out.width());
            assertEquals(s[1], out.height());
            for (int i = 0; i < out.rgb().length; i += 3) {
                assertEquals(0x4A, out.rgb()[i] & 0xFF, filter + " " + s[0] + "x" + s[1]);
                assertEquals(0x90, out.rgb()[i + 1] & 0xFF);
                assertEquals(0xE2, out.rgb()[i + 2] & 0xFF);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Filter.class)
    void resize_constantTranslucentImage_staysConstant(Filter filter) {
        Rgb8Image flat = Fixtures.synthetic(20, 16, (x, y) -> 0xC83214);
        byte[] alpha = new byte[20 * 16];
        java.util.Arrays.fill(alpha, (byte) 77);
        Rgb8Image out = Resampler.resize(flat.withAlpha(alpha), 9, 31, filter);
        for (int p = 0; p < 9 * 31; p++) {
            assertEquals(77, out.alpha()[p] & 0xFF);
            assertEquals(0xC8, out.rgb()[3 * p] & 0xFF, 1.0);
            assertEquals(0x32, out.rgb()[3 * p + 1] & 0xFF, 1.0);
            assertEquals(0x14, out.rgb()[3 * p + 2] & 0xFF, 1.0);
        }
    }

    @Test
    void resize_areaHalving_givesExactAverages() {
        int[] v = {10, 11, 20, 30, 12, 14, 40, 50, 0, 255, 7, 8, 1, 2, 9, 9};
        Rgb8Image src = Fixtures.synthetic(4, 4, (x, y) -> v[y * 4 + x] * 0x010101);
        Rgb8Image out = Resampler.resize(src, 2, 2, Filter.AREA);
        // (10+11+12+14)/4 = 11.75, (20+30+40+50)/4 = 35, (0+255+1+2)/4 = 64.5, (7+8+9+9)/4 = 8.25
        int[] expected = {12, 35, 65, 8};
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[p], out.rgb()[3 * p + c] & 0xFF, "pixel " + p);
            }
        }
    }

    @Test
    void resize_areaThirding_givesExactAverages() {
        // 6x3 to 2x1: each output pixel averages a 3x3 block.
        Rgb8Image src = Fixtures.synthetic(6, 3, (x, y) -> (x < 3 ? 9 * y + x : 100 + 2 * (3 * y + x)) << 8);
        Rgb8Image out = Resampler.resize(src, 2, 1, Filter.AREA);
        assertEquals(10, out.sample(0, 0, 1)); // mean of 0,1,2,9,10,11,18,19,20
        assertEquals(100 + 2 * 7, out.sample(1, 0, 1)); // mean of 3y + x over the block is 7
        assertEquals(0, out.sample(0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(value = Filter.class, names = {"BICUBIC", "LANCZOS3"})
    void resize_smoothGradient_staysClose(Filter filter) {
        Rgb8Image ramp = Fixtures.synthetic(128, 96, (x, y) -> (x + y) << 16 | (2 * x) << 8 | (x + 20));
        // Halving: output pixel x sits at source pixel position 2x + 0.5.
        Rgb8Image half = Resampler.resize(ramp, 64, 48, filter);
        for (int y = 4; y < 44; y++) {
            for (int x = 4; x < 60; x++) {
                double sx = 2 * x + 0.5;
                double sy = 2 * y + 0.5;
                assertEquals(sx + sy, half.sample(x, y, 0), 1.0, filter + " R at " + x + "," + y);
                assertEquals(2 * sx, half.sample(x, y, 1), 1.0);
                assertEquals(sx + 20, half.sample(x, y, 2), 1.0);
            }
        }
        // Enlarging 1.5x: output pixel x sits at source position (x + 0.5) / 1.5 - 0.5.
        Rgb8Image big = Resampler.resize(ramp, 192, 144, filter);
        for (int y = 6; y < 138; y++) {
            for (int x = 6; x < 186; x++) {
                double sx = (x + 0.5) / 1.5 - 0.5;
                double sy = (y + 0.5) / 1.5 - 0.5;
                assertEquals(sx + sy, big.sample(x, y, 0), 1.0, filter + " R at " + x + "," + y);
                assertEquals(2 * sx, big.sample(x, y, 1), 1.0);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Filter.class)
    void resize_transparentRedBesideOpaqueGreen_doesNotBleed(Filter filter) {
        // Left half red at alpha 0, right half opaque green.
        Rgb8Image src = Fixtures.synthetic(8, 4, (x, y) -> x < 4 ? 0xFF0000 : 0x00FF00);
        byte[] alpha = new byte[32];
        for (int i = 0; i < 32; i++) {
            alpha[i] = (byte) (i % 8 < 4 ? 0 : 255);
        }
        for (int[] size : new int[][] {{3, 2}, {16, 8}, {5, 4}, {1, 1}}) {
            Rgb8Image out = Resampler.resize(src.withAlpha(alpha), size[0], size[1], filter);
            for (int p = 0; p < size[0] * size[1]; p++) {
                if ((out.alpha()[p] & 0xFF) > 0) {
                    assertEquals(0, out.rgb()[3 * p] & 0xFF, filter + " red leaked at " + p);
                    assertTrue((out.rgb()[3 * p + 1] & 0xFF) >= 253, filter + " green darkened at " + p);
                }
            }
        }
    }

    @Test
    void resize_sameSize_returnsSource() {
        Rgb8Image src = Fixtures.synthetic(5, 5, (x, y) -> x * y);
        assertSame(src, Resampler.resize(src, 5, 5, Filter.LANCZOS3));
    }

    @Test
    void resize_photo_isFastAndFaithful() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        Rgb8Image big = Resampler.resize(photo, 1600, 1200, Filter.BICUBIC);
        Rgb8Image small = null;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            small = Resampler.resize(big, 800, 600, Filter.LANCZOS3);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("1600x1200 -> 800x600 LANCZOS3: best of 5 %.1f ms%n", best / 1e6);
        assertTrue(best < 1_000_000_000L, "took " + best / 1e6 + " ms");
        // Back down to the original size, the round trip stays close to the photo.
        Rgb8Image back = Resampler.resize(small, 256, 192, Filter.AREA);
        assertTrue(Quality.psnrRgb(photo, back, 4) > 27, "psnr " + Quality.psnrRgb(photo, back, 4));
    }

    @Test
    void render_eachFit_outputSizeAndBackground() {
        Rgb8Image red = Fixtures.synthetic(80, 60, (x, y) -> 0xFF0000);
        for (Fit fit : Fit.values()) {
            ResizePlan plan = ResizePlan.of(80, 60, 100, 100, fit, true);
            Rgb8Image out = Resampler.render(red, plan, Filter.LANCZOS3, 0xFF0000FF);
            assertEquals(plan.outWidth(), out.width(), fit.word());
            assertEquals(plan.outHeight(), out.height(), fit.word());
            assertNull(out.alpha(), fit.word());
        }
        Rgb8Image contain = Resampler.render(red, ResizePlan.of(80, 60, 100, 100, Fit.CONTAIN, true), Filter.BICUBIC,
                0xFF0000FF);
        assertEquals(100, contain.width());
        assertEquals(100, contain.height());
        // 100x75 image at y 12..86, blue above and below
        assertArrayEquals(new int[] {0, 0, 255}, rgbAt(contain, 50, 5));
        assertArrayEquals(new int[] {0, 0, 255}, rgbAt(contain, 50, 95));
        assertArrayEquals(new int[] {255, 0, 0}, rgbAt(contain, 50, 50));
        assertArrayEquals(new int[] {255, 0, 0}, rgbAt(contain, 0, 12));
        assertArrayEquals(new int[] {0, 0, 255}, rgbAt(contain, 0, 11));
    }

    @Test
    void render_translucentBackground_addsAlpha() {
        Rgb8Image red = Fixtures.synthetic(80, 60, (x, y) -> 0xFF0000);
        Rgb8Image out = Resampler.render(red, ResizePlan.of(80, 60, 100, 100, Fit.CONTAIN, true), Filter.AREA,
                0x00FFFFFF);
        assertEquals(0, out.alpha()[5 * 100 + 50]);
        assertEquals(255, out.alpha()[50 * 100 + 50] & 0xFF);
        assertArrayEquals(new int[] {255, 255, 255}, rgbAt(out, 50, 5));
    }

    @Test
    void render_sourceWithAlpha_keepsAlpha() {
        Rgb8Image src = Fixtures.image(Fixtures.RGBA_PNG); // 64x48
        Rgb8Image out = Resampler.render(src, ResizePlan.of(64, 48, 32, 32, Fit.COVER, true), Filter.AREA,
                0xFFFFFFFF);
        assertEquals(32, out.width());
        assertEquals(32, out.height());
        assertEquals(255, out.alpha()[0] & 0xFF);
        assertEquals(0, out.alpha()[31] & 0xFF); // top right: transparent quarter
    }

    @Test
    void crop_window_copiesPixelsAndAlpha() {
        Rgb8Image src = Fixtures.synthetic(10, 8, (x, y) -> x << 16 | y << 8);
        Rgb8Image c = Resampler.crop(src, 3, 2, 4, 5);
        assertEquals(4, c.width());
        assertEquals(5, c.height());
        assertEquals(3, c.sample(0, 0, 0));
        assertEquals(2, c.sample(0, 0, 1));
        assertEquals(6, c.sample(3, 4, 0));
        assertEquals(6, c.sample(3, 4, 1));
        byte[] alpha = new byte[80];
        alpha[2 * 10 + 3] = 9;
        assertEquals(9, Resampler.crop(src.withAlpha(alpha), 3, 2, 4, 5).alpha()[0]);
    }

    @Test
    void crop_outOfBounds_throwsWithClearMessage() {
        Rgb8Image src = Fixtures.synthetic(10, 8, (x, y) -> 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Resampler.crop(src, 8, 0, 4, 4));
        assertEquals("crop 4x4 at (8, 0) does not fit in the 10x8 image", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resampler.crop(src, -1, 0, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Resampler.crop(src, 0, 0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Resampler.crop(src, 0, 7, 2, 2));
    }

    private static int[] rgbAt(Rgb8Image img, int x, int y) {
        return new int[] {img.sample(x, y, 0), img.sample(x, y, 1), img.sample(x, y, 2)};
    }

    /** A region resized from the part of the source it reads is exactly that region of the whole resize. */
    @ParameterizedTest
    @EnumSource(Filter.class)
    void resizeRegion_fromThePartItReads_equalsTheCropOfTheWholeResize(Filter filter) {
        Rgb8Image full = Fixtures.synthetic(53, 41, (x, y) -> (x * 37 + y * 11) % 256 << 16 | (x * y) % 256 << 8
                | (x ^ y) * 5 % 256);
        int[][] cases = { // out size, region x0 y0 w h: enlarging, shrinking, both, and one axis kept
                {131, 97, 40, 30, 50, 33}, {17, 13, 3, 4, 9, 6}, {120, 20, 0, 0, 120, 20}, {53, 90, 10, 70, 20, 20}};
        for (int[] c : cases) {
            Rgb8Image whole = Resampler.crop(Resampler.resize(full, c[0], c[1], filter), c[2], c[3], c[4], c[5]);
            Resampler.Span xs = Resampler.sourceSpan(53, c[0], filter, c[2], c[2] + c[4]);
            Resampler.Span ys = Resampler.sourceSpan(41, c[1], filter, c[3], c[3] + c[5]);
            Rgb8Image part = Resampler.crop(full, xs.from(), ys.from(), xs.to() - xs.from(), ys.to() - ys.from());
            Rgb8Image region = Resampler.resizeRegion(part, xs.from(), ys.from(), 53, 41, c[0], c[1], filter, c[2],
                    c[3], c[4], c[5]);
            assertArrayEquals(whole.rgb(), region.rgb(), filter + " " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void resizeRegion_withAPartMissingTaps_isRefused() {
        Rgb8Image full = Fixtures.synthetic(40, 40, (x, y) -> x * 6);
        Rgb8Image part = Resampler.crop(full, 10, 10, 10, 10);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resizeRegion(part, 10, 10, 40, 40, 80, 80,
                Filter.BICUBIC, 20, 20, 20, 20));
    }
}
