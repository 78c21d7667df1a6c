package dev.iris.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetMeta;
import dev.iris.image.Fit;
import dev.iris.image.ResizePlan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The renderer's choice of pixels ({@link Renderer#fitsInLr}) and the move of a plan onto the LR
 * ({@link Renderer#planOnLr}). The rendering itself is tested over HTTP (IrisFilterTest).
 */
class RendererTest {
    @ParameterizedTest(name = "{0}x{1} x{2}, resize {3}x{4}: {5}")
    @CsvSource({
        // original, scale, resize, fits in the LR (resize x scale within the original on both sides)
        "256, 192, 2, 128, 96, true",
        "256, 192, 2, 129, 96, false",
        "256, 192, 2, 128, 97, false",
        "256, 192, 2, 100, 75, true",
        "256, 192, 4, 64, 48, true",
        "256, 192, 4, 65, 48, false",
        "256, 192, 4, 128, 96, false",
        // odd sizes: the LR (128x96) was padded, so 128x96 would need the padding's detail
        "255, 191, 2, 127, 95, true",
        "255, 191, 2, 128, 95, false",
        "255, 191, 2, 127, 96, false",
        "1, 1, 4, 1, 1, false",
    })
    void fitsInLr_isTrueOnlyWhenTheResizeShrinksByAtLeastTheScale(int width, int height, int scale, int resizeW,
            int resizeH, boolean fits) {
        assertEquals(fits, Renderer.fitsInLr(stretch(resizeW, resizeH), meta(width, height, scale)));
    }

    @Test
    void fitsInLr_usesTheResizeNotTheOutput() {
        // cover 100x100 of 256x192 resizes to 133x100 then crops: 133 x 2 > 256, so the LR is not enough.
        ResizePlan cover = ResizePlan.of(256, 192, 100, 100, Fit.COVER, false);
        assertEquals(133, cover.resizeWidth());
        assertFalse(Renderer.fitsInLr(cover, meta(256, 192, 2)));
        // contain 100x100 resizes to 100x75 and pads: fits.
        assertTrue(Renderer.fitsInLr(ResizePlan.of(256, 192, 100, 100, Fit.CONTAIN, false), meta(256, 192, 2)));
    }

    @Test
    void planOnLr_exactMultiple_keepsThePlan() {
        ResizePlan plan = ResizePlan.of(256, 192, 100, 0, Fit.COVER, false); // 100x75
        assertEquals(plan, Renderer.planOnLr(plan, meta(256, 192, 2)));
    }

    @Test
    void planOnLr_paddedLr_resizesItLargerAndTheCropDropsThePadding() {
        // 255x191 at x2: the LR is 128x96, covering 256x192 of which the last column and row are padding.
        AssetMeta meta = meta(255, 191, 2);
        ResizePlan identity = ResizePlan.of(255, 191, 0, 0, Fit.COVER, false);
        assertEquals(new ResizePlan(256, 192, 0, 0, 255, 191, 0, 0, 255, 191), Renderer.planOnLr(identity, meta));

        // Without a model (or for a changed one) any plan goes onto the LR: 200x150 becomes 201x151, cropped back.
        ResizePlan larger = ResizePlan.of(255, 191, 200, 0, Fit.COVER, false);
        assertEquals(new ResizePlan(200, 150, 0, 0, 200, 150, 0, 0, 200, 150), larger);
        assertEquals(new ResizePlan(201, 151, 0, 0, 200, 150, 0, 0, 200, 150), Renderer.planOnLr(larger, meta));
    }

    @Test
    void planOnLr_keepsCropPadAndCanvas() {
        AssetMeta meta = meta(250, 190, 4); // LR 63x48 covers 252x192
        ResizePlan cover = ResizePlan.of(250, 190, 200, 60, Fit.COVER, false);
        ResizePlan onLr = Renderer.planOnLr(cover, meta);
        assertEquals(Math.round(cover.resizeWidth() * 252.0 / 250), onLr.resizeWidth());
        assertEquals(Math.round(cover.resizeHeight() * 192.0 / 190), onLr.resizeHeight());
        assertEquals(new ResizePlan(onLr.resizeWidth(), onLr.resizeHeight(), cover.cropX(), cover.cropY(),
                cover.cropWidth(), cover.cropHeight(), cover.padX(), cover.padY(), cover.outWidth(),
                cover.outHeight()), onLr);

        ResizePlan contain = ResizePlan.of(250, 190, 100, 100, Fit.CONTAIN, false);
        ResizePlan containOnLr = Renderer.planOnLr(contain, meta);
        assertEquals(List.of(contain.padX(), contain.padY(), contain.outWidth(), contain.outHeight()),
                List.of(containOnLr.padX(), containOnLr.padY(), containOnLr.outWidth(), containOnLr.outHeight()));
        assertTrue(containOnLr.resizeWidth() >= contain.resizeWidth());
        assertTrue(containOnLr.resizeHeight() >= contain.resizeHeight());
    }

    @Test
    void planOnLr_neverResizesSmallerThanThePlan() {
        for (int w = 1; w <= 250; w++) {
            ResizePlan plan = ResizePlan.of(250, 190, w, 0, Fit.COVER, false);
            ResizePlan onLr = Renderer.planOnLr(plan, meta(250, 190, 4));
            assertTrue(onLr.resizeWidth() >= plan.resizeWidth() && onLr.resizeHeight() >= plan.resizeHeight(),
                    plan + " became " + onLr);
            // The crop must still fit inside the resized LR, or Resampler.render would throw.
            assertTrue(onLr.cropX() + onLr.cropWidth() <= onLr.resizeWidth()
                    && onLr.cropY() + onLr.cropHeight() <= onLr.resizeHeight(), plan + " became " + onLr);
        }
    }

    private static ResizePlan stretch(int width, int height) {
        return new ResizePlan(width, height, 0, 0, width, height, 0, 0, width, height);
    }

    /** An asset of an original {@code width x height} at {@code scale}, with its LR size as ingest makes it. */
    private static AssetMeta meta(int width, int height, int scale) {
        return new AssetMeta("a", "0123456789abcdef", "png", width, height, ceilDiv(width, scale), ceilDiv(height, scale),
                scale, "m", "0".repeat(64), "0".repeat(64), false, Instant.EPOCH, 40);
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
