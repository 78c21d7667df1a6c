package dev.iris.model;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import dev.iris.ort.RunResult;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * Runs one model pack on images: the learned downscale that makes an asset's LR, and the restore that brings the
 * HR back. Thread-safe; all native memory of a call is freed before it returns.
 */
public final class Rescaler {
    /**
     * Native memory one run of either graph holds at its peak, per HR pixel it covers, as iris runs them (ORT's CPU
     * arena on, shrunk after each run). Measured on the shipped IRN graphs at 1024x1024 HR, one thread: 244 / 385
     * bytes (x2 down / up), 272 / 345 (x4) with the arena off in ORT 1.30 from Python; through our binding (ORT 1.23.2,
     * {@code iris profile --variants arena+shrink}) 238 / 310 (x2) and 229 / 283 (x4), the process's peak over its
     * resident size before. Rounded up from the largest by about 15% for the allocator's overhead.
     */
    public static final long RUN_BYTES_PER_HR_PIXEL = 448;
    /** The smallest tile worth running: below it the margins are nearly all of the work. */
    private static final int MIN_TILE_LR = 16;

    private final ModelPack pack;
    private final int tileLr;
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
     *                    (never below {@value #MIN_TILE_LR}: a smaller budget is exceeded, with a warning)
     */
    public Rescaler(ModelPack pack, int tileLr, long maxRunBytes) {
        if (tileLr < 1) {
            throw new IllegalArgumentException("tile side must be positive, got " + tileLr);
        }
        this.pack = pack;
        var radius = pack.card().receptiveRadiusLr();
        this.tileLr = Math.min(tileLr, largestTileWithin(pack, maxRunBytes, RUN_BYTES_PER_HR_PIXEL,
                radius.orElse(0)));
        int margin = Math.min(LrOptimizer.MARGIN_LR, radius.orElse(0));
        this.optimizer = pack.lrGrad().isEmpty() || radius.isEmpty() ? Optional.empty()
                : Optional.of(new LrOptimizer(pack, Math.min(tileLr, largestTileWithin(pack, maxRunBytes,
                        LrOptimizer.GRAD_BYTES_PER_HR_PIXEL, margin)), LrOptimizer.Settings.DEFAULT));
        this.hrOptimizer = pack.hrGrad().isEmpty() || radius.isEmpty() ? Optional.empty()
                : Optional.of(new HrOptimizer(pack, Math.min(tileLr, largestTileWithin(pack, maxRunBytes,
                        HrOptimizer.GRAD_BYTES_PER_HR_PIXEL, margin)), HrOptimizer.Settings.DEFAULT));
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

    /** The largest tile side whose run, {@code margin} on each side included, stays within {@code maxRunBytes}. */
    private static int largestTileWithin(ModelPack pack, long maxRunBytes, long bytesPerHrPixel, int margin) {
        var radius = pack.card().receptiveRadiusLr();
        if (maxRunBytes == Long.MAX_VALUE) {
            return Integer.MAX_VALUE; // no budget: whole-image runs
        }
        if (radius.isEmpty()) {
            System.getLogger(Rescaler.class.getName()).log(System.Logger.Level.WARNING, "model {0} states no "
                    + "architecture, so it cannot be tiled: every image runs whole, whatever the memory budget",
                    pack.id());
            return Integer.MAX_VALUE;
        }
        long hrSide = (long) Math.sqrt((double) maxRunBytes / bytesPerHrPixel);
        long tile = hrSide / pack.scale() - 2L * margin;
        if (tile < MIN_TILE_LR) {
            System.getLogger(Rescaler.class.getName()).log(System.Logger.Level.WARNING, "model {0}: a run of even a "
                    + "{1}-pixel tile needs {2} MiB, more than the {3} MiB each run may have (limits.modelMemoryBytes "
                    + "/ model runs): running {1}-pixel tiles over budget", pack.id(), MIN_TILE_LR,
                    runBytes(pack, MIN_TILE_LR + 2 * margin, bytesPerHrPixel) >> 20, maxRunBytes >> 20);
            return MIN_TILE_LR;
        }
        return (int) Math.min(Integer.MAX_VALUE, tile);
    }

    private static long runBytes(ModelPack pack, long lrSide, long bytesPerHrPixel) {
        long hrSide = lrSide * pack.scale();
        return hrSide * hrSide * bytesPerHrPixel;
    }

    /** The LR side one run covers at most, after any shrinking for the memory budget. */
    public int tileLr() {
        return tileLr;
    }

    public ModelPack pack() {
        return pack;
    }

    public int scale() {
        return pack.scale();
    }

    /**
     * The 8-bit LR of {@code hr}: reflect-padded to a multiple of the scale, run through {@code down.onnx},
     * rounded. Its size is {@code ceil(width / scale) x ceil(height / scale)}; alpha is not carried over.
     *
     * <p>Tiled as {@link #restore} is, so that the largest source the limits allow needs no more native memory
     * than one tile: an HR crop of the tile plus the receptive radius on each side, of which only the tile's LR
     * pixels are kept.
     */
    public Rgb8Image downscale(Rgb8Image hr, RunControl control) {
        int s = scale();
        Rgb8Image padded = TensorCodec.reflectPad(hr, s);
        int lrWidth = padded.width() / s, lrHeight = padded.height() / s;
        if (untiled(lrWidth, lrHeight)) {
            return downscaleWhole(padded, control);
        }
        byte[] out = new byte[3 * lrWidth * lrHeight];
        for (Tile t : tiles(lrWidth, lrHeight)) {
            Rgb8Image lrTile = downscaleWhole(Resampler.crop(padded, t.x0() * s, t.y0() * s, t.width() * s,
                    t.height() * s), control);
            int keepW = Math.min(tileLr, lrWidth - t.tx()), keepH = Math.min(tileLr, lrHeight - t.ty());
            copyRows(lrTile, t.tx() - t.x0(), t.ty() - t.y0(), keepW, keepH, out, lrWidth, t.tx(), t.ty());
        }
        return Rgb8Image.opaque(lrWidth, lrHeight, out);
    }

    /**
     * The HR restored from {@code lr} through {@code up.onnx} (z = 0), cropped to {@code width x height}
     * (the original size, which padding at ingest may have rounded up).
     *
     * <p>An LR larger than the tile is restored tile by tile, each tile run with a margin of the network's
     * receptive radius around it and only its centre kept, so the result equals a whole-image run while native
     * memory stays bounded by the tile size (about {@value #RUN_BYTES_PER_HR_PIXEL} bytes per HR pixel a run covers).
     */
    public Rgb8Image restore(Rgb8Image lr, int width, int height, RunControl control) {
        int s = scale();
        if (width > lr.width() * s || height > lr.height() * s) {
            throw new IllegalArgumentException("cannot restore " + width + "x" + height + " from a " + lr.width()
                    + "x" + lr.height() + " LR at x" + s);
        }
        if (untiled(lr.width(), lr.height())) {
            return Resampler.crop(restoreWhole(lr, control), 0, 0, width, height);
        }
        byte[] out = new byte[3 * width * height];
        for (Tile t : tiles(lr.width(), lr.height())) {
            if (t.tx() * s >= width || t.ty() * s >= height) {
                continue; // only padding of the original lies under this tile
            }
            Rgb8Image tile = restoreWhole(Resampler.crop(lr, t.x0(), t.y0(), t.width(), t.height()), control);
            int keepW = Math.min(tileLr * s, width - t.tx() * s), keepH = Math.min(tileLr * s, height - t.ty() * s);
            copyRows(tile, (t.tx() - t.x0()) * s, (t.ty() - t.y0()) * s, keepW, keepH, out, width, t.tx() * s,
                    t.ty() * s);
        }
        return Rgb8Image.opaque(width, height, out);
    }

    /** Whether an LR of this size goes through the network in one run (small enough, or no known radius). */
    private boolean untiled(int lrWidth, int lrHeight) {
        return pack.card().receptiveRadiusLr().isEmpty() || (lrWidth <= tileLr && lrHeight <= tileLr);
    }

    private List<Tile> tiles(int lrWidth, int lrHeight) {
        return Tile.grid(lrWidth, lrHeight, tileLr, pack.card().receptiveRadiusLr().orElseThrow());
    }

    private Rgb8Image downscaleWhole(Rgb8Image padded, RunControl control) {
        try (Arena arena = Arena.ofConfined();
                RunResult result = pack.down().run(Map.of("hr", TensorCodec.toTensor(padded, arena)), control)) {
            return TensorCodec.toImage(result.tensor("lr"), padded.width() / scale(), padded.height() / scale());
        }
    }

    private Rgb8Image restoreWhole(Rgb8Image lr, RunControl control) {
        int s = scale();
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor hr = FloatTensor.allocate(arena, 1, 3, (long) lr.height() * s, (long) lr.width() * s);
            pack.up().runInto(Map.of("lr", TensorCodec.toTensor(lr, arena)), Map.of("hr", hr), control);
            return TensorCodec.toImage(hr, lr.width() * s, lr.height() * s);
        }
    }

    private static void copyRows(Rgb8Image from, int fromX, int fromY, int w, int h, byte[] to, int toWidth, int toX,
            int toY) {
        for (int y = 0; y < h; y++) {
            System.arraycopy(from.rgb(), 3 * ((fromY + y) * from.width() + fromX), to, 3 * ((toY + y) * toWidth + toX),
                    3 * w);
        }
    }
}
