package dev.iris.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import dev.iris.ort.Session;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.DoubleConsumer;

/**
 * Encode-time optimisation of an LR, the LR stage of HCD (Xu et al., ICCV 2023): gradient steps on the LR that make
 * the frozen {@code up.onnx} restore the original better, with the gradients from the pack's {@code lr_grad.onnx}.
 * Serving is unchanged: the result is an ordinary 8-bit LR of the same size for the same network. Thread-safe;
 * one per model pack; all native memory of a call is freed before it returns.
 *
 * <p>The LR is optimised continuously (floats in [0, 1]) with Adam, and rounded to 8 bits inside the graph's loss
 * by a straight-through estimator, so the loss is that of the LR that will be stored. Each step is projected back
 * into [0, 1] and into a box of {@link Settings#boundLevels} 8-bit levels around the model's own LR, which keeps
 * the LR a faithful thumbnail whatever the optimiser does; the graph's fidelity term pulls it towards that LR
 * inside the box. The loss is evaluated at every iterate and the lowest one is kept, so an optimised LR never
 * restores worse than the plain one by the loss.
 *
 * <p>Large images go tile by tile in row order, as the {@link Rescaler} restores them: a tile's LR is optimised
 * with a margin of {@value #MARGIN_LR} LR pixels around it (or the network's receptive radius, if smaller) held
 * fixed (the neighbours' LR as it is by then), and only the HR pixels under the tile itself count in its loss, so
 * each HR pixel is counted once.
 */
public final class LrOptimizer {
    /**
     * Native memory one run of the gradient graph holds at its peak, per HR pixel it covers, with ORT's CPU arena
     * off, inputs and outputs included: the forward pass's activations stay alive for the backward pass, so this is
     * about 5x a restore's ({@link Rescaler#RUN_BYTES_PER_HR_PIXEL}). Measured on the shipped lr_grad.onnx graphs
     * (ORT 1.30, Python, one thread, resident peak over the run, fixed overhead included): x2 2244 / 1955 bytes at
     * 512x512 / 768x768 HR, x4 2237 / 1776; rounded up by about 15% for the allocator, as the restore's figure is
     * (docs/HCD.md).
     */
    public static final long GRAD_BYTES_PER_HR_PIXEL = 2600;

    /**
     * How the LR moves.
     *
     * @param step        Adam's learning rate, in units of the [0, 1] LR (1/255 is one 8-bit level)
     * @param chroma      weight of colour errors (Cb, Cr) against luma errors (Y) in the restore error
     * @param fidelity    weight of the fidelity term against the model's LR (per LR sample, against the
     *                    reconstruction error summed over the s x s HR pixels it restores)
     * @param boundLevels how far, in 8-bit levels, any LR sample may move from the model's LR
     */
    public record Settings(double step, float chroma, float fidelity, int boundLevels) {
        /** The defaults, chosen from the measurements in docs/HCD.md. */
        public static final Settings DEFAULT = new Settings(2e-3, 0.5f, 0f, 4);

        public Settings {
            if (!(step > 0) || !(chroma >= 0) || !(fidelity >= 0) || boundLevels < 1) {
                throw new IllegalArgumentException("bad optimiser settings: step " + step + ", chroma " + chroma
                        + ", fidelity " + fidelity + ", bound " + boundLevels);
            }
        }
    }

    private static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;
    /**
     * Context around a tile, in LR pixels, when the network's receptive radius is larger. Unlike a restore, an
     * optimisation need not be exact at the tile's edge, only good: on the test photo in 2x2 tiles, margins of 8, 20
     * and the full radius (42 at x2, 47 at x4) gave the same gain to 1e-4 dB, while the full radius made x4 tiles
     * under a 1 GiB run share 66 LR pixels with 47 on each side (6x the work of the tile itself).
     */
    static final int MARGIN_LR = 16;

    private final ModelPack pack;
    private final Session graph;
    private final int tileLr;
    private final int margin;
    private final Settings settings;

    /**
     * @param tileLr largest LR side one run covers, margins excluded (the caller sizes it to the memory budget with
     *               {@link #GRAD_BYTES_PER_HR_PIXEL})
     * @throws IllegalArgumentException if the pack ships no gradient graph or states no architecture
     */
    LrOptimizer(ModelPack pack, int tileLr, Settings settings) {
        this.pack = pack;
        this.graph = pack.lrGrad().orElseThrow(() -> new IllegalArgumentException(pack.id()
                + " ships no lr_grad.onnx"));
        this.margin = Math.min(MARGIN_LR, pack.card().receptiveRadiusLr().orElseThrow(() ->
                new IllegalArgumentException(pack.id() + " states no architecture, so its optimisation cannot be tiled")));
        this.tileLr = tileLr;
        this.settings = settings;
    }

    /** The LR side one run covers at most, margins excluded. */
    public int tileLr() {
        return tileLr;
    }

    /** The context around each tile, LR pixels on each side. */
    public int marginLr() {
        return margin;
    }

    /**
     * {@code lr} optimised for {@code iterations} Adam steps towards restoring {@code hr}.
     *
     * @param hr         the original, any size; alpha is ignored
     * @param lr         its LR as {@link Rescaler#downscale} made it (size {@code ceil(hr / scale)})
     * @param iterations Adam steps per tile, at least 1 (each costs one run of the gradient graph, plus one to
     *                   evaluate the last step)
     * @param control    cancels the work from another thread (ORT runs stop; no further run starts); may be
     *                   {@code null}
     * @param progress   receives the fraction of the work done, from 0 to 1, after each run
     * @return a new LR of the same size; {@code lr} is not changed
     * @throws dev.iris.ort.OrtException if a run fails or is cancelled inside ONNX Runtime
     * @throws CancellationException     if {@code control} was cancelled between runs
     */
    public Rgb8Image optimize(Rgb8Image hr, Rgb8Image lr, int iterations, RunControl control,
            DoubleConsumer progress) {
        int s = pack.scale();
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
        }
        if (lr.width() != (hr.width() + s - 1) / s || lr.height() != (hr.height() + s - 1) / s) {
            throw new IllegalArgumentException("LR " + lr.width() + "x" + lr.height() + " is not the x" + s
                    + " LR of " + hr.width() + "x" + hr.height());
        }
        Rgb8Image padded = TensorCodec.reflectPad(hr, s);
        byte[] out = lr.withoutAlpha().rgb().clone();
        List<Tile> tiles = Tile.grid(lr.width(), lr.height(), tileLr, margin);
        double runs = (double) tiles.size() * (iterations + 1);
        long[] done = {0};
        Runnable ran = () -> progress.accept(++done[0] / runs);
        for (Tile t : tiles) {
            optimizeTile(t, padded, out, lr.width(), hr.width(), hr.height(), iterations, control, ran);
        }
        Rgb8Image result = Rgb8Image.opaque(lr.width(), lr.height(), out);
        return lr.hasAlpha() ? result.withAlpha(lr.alpha()) : result;
    }

    /**
     * Optimises the LR samples of {@code t} in {@code lr} (interleaved RGB, {@code lrWidth} wide) in place, against
     * the HR of the original ({@code width x height}, inside the reflect-padded {@code padded}).
     */
    private void optimizeTile(Tile t, Rgb8Image padded, byte[] lr, int lrWidth, int width, int height,
            int iterations, RunControl control, Runnable ran) {
        int s = pack.scale(), w = t.width(), h = t.height(), plane = w * h, n = 3 * plane;
        // The tile's own samples within its run region: only these move, and only the HR under them counts.
        int cx0 = t.tx() - t.x0(), cy0 = t.ty() - t.y0();
        int cx1 = Math.min(cx0 + tileLr, w), cy1 = Math.min(cy0 + tileLr, h);
        try (Arena arena = Arena.ofConfined()) {
            // The tile's own samples are still the model's LR (tiles do not overlap); its margins are the
            // neighbours' LR as it is now, and stay so.
            Rgb8Image region = Resampler.crop(Rgb8Image.opaque(lrWidth, lr.length / 3 / lrWidth, lr), t.x0(), t.y0(),
                    w, h);
            FloatTensor ref = TensorCodec.toTensor(region, arena);
            FloatTensor target = TensorCodec.toTensor(Resampler.crop(padded, t.x0() * s, t.y0() * s, w * s, h * s),
                    arena);
            FloatTensor mask = FloatTensor.allocate(arena, 1, 1, (long) h * s, (long) w * s);
            // HR under the tile, less any padding beyond the original
            int maskX1 = Math.min(cx1 * s, width - t.x0() * s), maskY1 = Math.min(cy1 * s, height - t.y0() * s);
            for (int y = cy0 * s; y < maskY1; y++) {
                for (int x = cx0 * s; x < maskX1; x++) {
                    mask.data().setAtIndex(JAVA_FLOAT, (long) y * w * s + x, 1f);
                }
            }
            FloatTensor input = FloatTensor.allocate(arena, 1, 3, h, w);
            FloatTensor loss = FloatTensor.allocate(arena, 1);
            FloatTensor grad = FloatTensor.allocate(arena, 1, 3, h, w);
            Map<String, FloatTensor> inputs = new LinkedHashMap<>();
            inputs.put("lr", input);
            inputs.put("hr", target);
            inputs.put("lr_ref", ref);
            inputs.put("mask", mask);
            inputs.put("chroma", FloatTensor.copyOf(arena, new float[] {settings.chroma()}, 1));
            inputs.put("fidelity", FloatTensor.copyOf(arena, new float[] {settings.fidelity()}, 1));
            Map<String, FloatTensor> outputs = Map.of("loss", loss, "grad", grad);

            float[] x0 = ref.toArray();
            float[] x = x0.clone(), best = x0.clone(), g = new float[n], m = new float[n], v = new float[n];
            Box box = new Box(w, cx0, cy0, cx1, cy1);
            double bestLoss = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= iterations; i++) {
                if (control != null && control.isCancelled()) {
                    throw new CancellationException("optimisation of " + pack.id() + " cancelled");
                }
                MemorySegment.copy(x, 0, input.data(), JAVA_FLOAT, 0, n);
                graph.runInto(inputs, outputs, control);
                ran.run();
                double l = loss.data().getAtIndex(JAVA_FLOAT, 0);
                if (l < bestLoss) {
                    bestLoss = l;
                    System.arraycopy(x, 0, best, 0, n);
                }
                if (i < iterations) {
                    MemorySegment.copy(grad.data(), JAVA_FLOAT, 0, g, 0, n);
                    adamStep(x, x0, g, m, v, i + 1, box);
                }
            }
            for (int c = 0; c < 3; c++) {
                for (int y = cy0; y < cy1; y++) {
                    for (int xx = cx0; xx < cx1; xx++) {
                        lr[3 * ((t.y0() + y) * lrWidth + t.x0() + xx) + c] =
                                TensorCodec.quantize(best[c * plane + y * w + xx]);
                    }
                }
            }
        }
    }

    /** The samples that move: columns {@code [x0, x1)}, rows {@code [y0, y1)} of a region {@code width} wide. */
    private record Box(int width, int x0, int y0, int x1, int y1) {}

    /**
     * One Adam step (bias-corrected, step number {@code t}) on the samples in {@code box}, each projected into
     * [0, 1] and to within {@link Settings#boundLevels} levels of the model's LR {@code x0}.
     */
    private void adamStep(float[] x, float[] x0, float[] g, float[] m, float[] v, int t, Box box) {
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t), step = settings.step();
        float bound = settings.boundLevels() / 255f;
        int plane = x.length / 3;
        for (int c = 0; c < 3; c++) {
            for (int y = box.y0(); y < box.y1(); y++) {
                for (int xx = box.x0(); xx < box.x1(); xx++) {
                    int i = c * plane + y * box.width() + xx;
                    m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
                    v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
                    double moved = x[i] - step * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
                    double lo = Math.max(0, x0[i] - bound), hi = Math.min(1, x0[i] + bound);
                    x[i] = (float) Math.min(hi, Math.max(lo, moved));
                }
            }
        }
    }
}
