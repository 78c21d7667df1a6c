package dev.iris.model;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.RunControl;
import java.util.Optional;
import java.util.function.LongToIntFunction;
import java.util.function.DoubleConsumer;

/**
 * An IRN pack (fixed x2 or x4): the learned downscale that makes an asset's LR from the original reflect-padded to a
 * multiple of the scale, and the restore that brings the original back. Runs in tiles ({@link TiledCore}). Where the
 * pack ships gradient graphs, its LRs can be optimised at encode time (HCD: {@link HrOptimizer}, {@link LrOptimizer}).
 */
public final class Rescaler implements RescaleModel {
    private final ModelPack pack;
    private final TiledCore core;
    private final Optional<LrOptimizer> optimizer;
    private final Optional<HrOptimizer> hrOptimizer;

    /** Every image in one run, whatever its size: for measurements and as the reference tiles are tested against. */
    public Rescaler(ModelPack pack) {
        this(pack, Integer.MAX_VALUE);
    }

    /** @param tileLr largest LR side run in one go; larger images are downscaled and restored in overlapping tiles */
    public Rescaler(ModelPack pack, int tileLr) {
        this(pack, tileLr, Long.MAX_VALUE);
    }

    /**
     * @param tileLr      largest LR side run in one go (the configured minimum is the loader's, models.tileLr)
     * @param maxRunBytes native memory one run may hold: tiles shrink below {@code tileLr} until a tile with its
     *                    margins fits ({@link #RUN_BYTES_PER_HR_PIXEL})
     */
    public Rescaler(ModelPack pack, int tileLr, long maxRunBytes) {
        if (pack.card().family() != ModelCard.Family.IRN) {
            throw new IllegalArgumentException(pack.id() + " is not an IRN pack");
        }
        this.pack = pack;
        this.core = new TiledCore(pack, tileLr, maxRunBytes, RUN_BYTES_PER_HR_PIXEL, 0);
        var radius = pack.card().receptiveRadiusLr();
        int margin = Math.min(LrOptimizer.MARGIN_LR, radius.orElse(0));
        // Each stage's tiles: the largest whose gradient run, at that stage's bytes per HR pixel, fits a run's share.
        LongToIntFunction tile = bytesPerHrPixel -> Math.min(tileLr, TiledCore.largestTile(pack, maxRunBytes,
                bytesPerHrPixel, margin));
        boolean tiles = radius.isPresent();
        this.optimizer = pack.lrGrad().filter(g -> tiles).map(g -> new LrOptimizer(pack,
                tile.applyAsInt(LrOptimizer.GRAD_BYTES_PER_HR_PIXEL), LrOptimizer.Settings.DEFAULT));
        this.hrOptimizer = pack.hrGrad().filter(g -> tiles).map(g -> new HrOptimizer(pack,
                tile.applyAsInt(HrOptimizer.GRAD_BYTES_PER_HR_PIXEL), HrOptimizer.Settings.DEFAULT));
    }

    /**
     * The encode-time optimiser of this model's LRs (HCD's LR stage), when its pack ships a gradient graph (and
     * states the architecture its tiles need); its tiles are sized to the same memory budget as this rescaler's runs.
     */
    public Optional<LrOptimizer> optimizer() {
        return optimizer;
    }

    /** HCD's HR stage, when the pack ships {@code hr_grad.onnx}; tiles sized as {@link #optimizer()}'s. */
    public Optional<HrOptimizer> hrOptimizer() {
        return hrOptimizer;
    }

    /**
     * How much longer the HR stage takes than the LR stage for as many iterations on the same image (about 2x,
     * docs/HCD.md: it runs the downscaler as well, forward and back, in smaller tiles). Weighs the stages' progress.
     */
    private static final double HR_RUN_COST = 2.0;

    /**
     * The LR of {@code hr}, optimised as HCD does: {@code hrIterations} of the HR stage on the HR fed to the
     * downscaler (0: none), the learned downscale of the result, then {@code lrIterations} of the LR stage on that
     * LR (0: none), both against {@code hr}. With neither, {@link #downscale(Rgb8Image, RunControl)}.
     *
     * @param progress receives the fraction of the optimisation done, 0 to 1, after each run of a gradient graph
     * @throws IllegalArgumentException if a stage is asked for that this pack cannot run
     * @throws dev.iris.ort.OrtException if a run fails or is cancelled inside ONNX Runtime
     * @throws java.util.concurrent.CancellationException if {@code control} was cancelled between runs
     */
    public Rgb8Image downscale(Rgb8Image hr, int hrIterations, int lrIterations, RunControl control,
            DoubleConsumer progress) {
        HrOptimizer hrStage = hrIterations == 0 ? null : hrOptimizer.orElseThrow(() ->
                new IllegalArgumentException(pack.id() + " ships no hr_grad.onnx"));
        LrOptimizer lrStage = lrIterations == 0 ? null : optimizer.orElseThrow(() ->
                new IllegalArgumentException(pack.id() + " ships no lr_grad.onnx"));
        double hrShare = hrIterations == 0 ? 0 : HR_RUN_COST * (hrIterations + 1)
                / (HR_RUN_COST * (hrIterations + 1) + (lrIterations == 0 ? 0 : lrIterations + 1));
        Rgb8Image source = hrStage == null ? hr
                : hrStage.optimize(hr, hrIterations, control, f -> progress.accept(hrShare * f));
        Rgb8Image lr = downscale(source, control);
        return lrStage == null ? lr
                : lrStage.optimize(hr, lr, lrIterations, control, f -> progress.accept(hrShare + (1 - hrShare) * f));
    }

    @Override
    public ModelPack pack() {
        return pack;
    }

    @Override
    public int tileLr() {
        return core.tileLr();
    }

    public int scale() {
        return core.scale();
    }

    @Override
    public boolean makes(Scale scale) {
        return scale.integer() == scale();
    }

    @Override
    public String scales() {
        return Integer.toString(scale());
    }

    /** {@code ceil(width / scale) x ceil(height / scale)}: the original is padded up to a multiple of the scale. */
    @Override
    public int[] lrSize(int width, int height, Scale scale) {
        int s = scale();
        return new int[] {Math.ceilDiv(width, s), Math.ceilDiv(height, s)};
    }

    @Override
    public Scale scaleOf(int width, int height, int lrWidth, int lrHeight) {
        return Scale.uniform(scale());
    }

    /** The 8-bit LR of {@code hr}, reflect-padded to a multiple of the scale first. */
    public Rgb8Image downscale(Rgb8Image hr, RunControl control) {
        int s = scale();
        Rgb8Image padded = TensorCodec.reflectPad(hr, s);
        return core.downscale(padded.width() / s, padded.height() / s,
                (x, y, w, h) -> Resampler.crop(padded, x, y, w, h), null, control);
    }

    @Override
    public Rgb8Image downscale(Rgb8Image hr, int lrWidth, int lrHeight, RunControl control) {
        int[] expected = lrSize(hr.width(), hr.height(), Scale.uniform(scale()));
        if (lrWidth != expected[0] || lrHeight != expected[1]) {
            throw new IllegalArgumentException(pack.id() + " makes a " + expected[0] + "x" + expected[1] + " LR of "
                    + hr.width() + "x" + hr.height() + ", not " + lrWidth + "x" + lrHeight);
        }
        return downscale(hr, control);
    }

    /** The window's pixels, from the tiles under it; the original is the LR's restore cropped (padding dropped). */
    @Override
    public Rgb8Image restore(Rgb8Image lr, int width, int height, Region window, RunControl control) {
        int s = scale();
        if (width > lr.width() * s || height > lr.height() * s || window.x() + window.width() > width
                || window.y() + window.height() > height) {
            throw new IllegalArgumentException("cannot restore " + window + " of " + width + "x" + height + " from a "
                    + lr.width() + "x" + lr.height() + " LR at x" + s);
        }
        byte[] out = new byte[3 * window.width() * window.height()];
        int wx1 = window.x() + window.width(), wy1 = window.y() + window.height();
        core.restore(lr, window.x() / s, window.y() / s, Math.ceilDiv(wx1, s), Math.ceilDiv(wy1, s), null, control,
                (t, hr) -> {
                    // The tile's kept HR pixels, met with the window.
                    int x0 = Math.max(t.tx() * s, window.x()), y0 = Math.max(t.ty() * s, window.y());
                    int x1 = Math.min((t.tx() + t.keepW()) * s, wx1), y1 = Math.min((t.ty() + t.keepH()) * s, wy1);
                    if (x1 > x0 && y1 > y0) {
                        TiledCore.copyRows(hr, x0 - t.x0() * s, y0 - t.y0() * s, x1 - x0, y1 - y0, out,
                                window.width(), x0 - window.x(), y0 - window.y());
                    }
                });
        return Rgb8Image.opaque(window.width(), window.height(), out);
    }
}
