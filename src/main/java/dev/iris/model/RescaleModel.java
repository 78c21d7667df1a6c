package dev.iris.model;

import dev.iris.image.Rgb8Image;
import dev.iris.ort.RunControl;

/**
 * A loaded model pack, as ingest and the renderer use it: which scales it makes, the LR it makes of an original,
 * and the original (or a window of it) it restores from such an LR. The family in {@code model.json}
 * ({@code architecture.family}) picks the implementation: {@link Rescaler} for IRN's fixed x2 and x4,
 * {@link ArbitraryRescaler} for the arbitrary-scale family. Implementations are thread-safe and free all native
 * memory of a call before it returns.
 */
public sealed interface RescaleModel permits Rescaler, ArbitraryRescaler {
    /**
     * Native memory one run of either graph holds at its peak, per HR pixel it covers, as iris runs them (ORT's CPU
     * arena on, shrunk after each run). Measured on the shipped IRN graphs at 1024x1024 HR, one thread: 244 / 385
     * bytes (x2 down / up), 272 / 345 (x4) with the arena off in ORT 1.30 from Python; through our binding (ORT 1.23.2,
     * {@code iris profile --variants arena+shrink}) 238 / 310 (x2) and 229 / 283 (x4), the process's peak over its
     * resident size before. Rounded up from the largest by about 15% for the allocator's overhead. The
     * arbitrary-scale family's core is IRN's x4 network with a little more input, so the figure holds for its core
     * pixels.
     */
    long RUN_BYTES_PER_HR_PIXEL = 448;

    /** A rectangle of the original, in its pixels. */
    record Region(int x, int y, int width, int height) {
        public Region {
            if (x < 0 || y < 0 || width < 1 || height < 1) {
                throw new IllegalArgumentException("bad region " + x + "," + y + " " + width + "x" + height);
            }
        }

        /** All of a {@code width x height} image. */
        public static Region all(int width, int height) {
            return new Region(0, 0, width, height);
        }
    }

    /** The implementation of {@code pack}'s family; tiles as {@link Rescaler#Rescaler(ModelPack, int, long)}. */
    static RescaleModel forPack(ModelPack pack, int tileLr, long maxRunBytes) {
        return switch (pack.card().family()) {
            case IRN -> new Rescaler(pack, tileLr, maxRunBytes);
            case IARN -> new ArbitraryRescaler(pack, tileLr, maxRunBytes);
        };
    }

    ModelPack pack();

    /** The LR side one run covers at most, after any shrinking for the memory budget. */
    int tileLr();

    /** Whether this model makes LRs at {@code scale}. */
    boolean makes(Scale scale);

    /** A one-line description of the scales it makes ("2", "1.1 to 4 on each axis"), for errors and health. */
    String scales();

    /**
     * The LR size this model makes of a {@code width x height} original at {@code scale} (one it {@link #makes}),
     * as {@code {lrWidth, lrHeight}}.
     */
    int[] lrSize(int width, int height, Scale scale);

    /** The scale an asset of this model records for an original and the LR made of it. */
    Scale scaleOf(int width, int height, int lrWidth, int lrHeight);

    /** The 8-bit LR of {@code hr} at {@code lrWidth x lrHeight} (from {@link #lrSize}); alpha is not carried over. */
    Rgb8Image downscale(Rgb8Image hr, int lrWidth, int lrHeight, RunControl control);

    /** The {@code width x height} original restored from {@code lr}. */
    default Rgb8Image restore(Rgb8Image lr, int width, int height, RunControl control) {
        return restore(lr, width, height, Region.all(width, height), control);
    }

    /**
     * The pixels of {@code window} of the {@code width x height} original restored from {@code lr}: exactly those
     * of the whole restore, made by running only the tiles under the window.
     */
    Rgb8Image restore(Rgb8Image lr, int width, int height, Region window, RunControl control);
}
