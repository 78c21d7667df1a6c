package dev.iris.model;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
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
     * about 8x a restore's ({@link Rescaler#RUN_BYTES_PER_HR_PIXEL}). Measured through our binding as the server
     * runs it ({@code iris hcd}, docs/HCD.md): the process's resident peak over an optimisation grew by 3057 and
     * 3259 (x2, two runs) and 3206 (x4) bytes per HR pixel of its largest run, JVM heap included (ORT 1.30 from
     * Python, arena off: 2244 and 2237), and by 4223 for the 6-block irn-x2-small-2 (docs/hcd-x2-small-2.md: the
     * backward pass keeps every block's activations, so this grows with depth); the deepest shipped pack's, rounded
     * up by about 7%. One bound for every pack: a shallower pack gets smaller tiles than it needs, never a run
     * larger than its share.
     */
    public static final long GRAD_BYTES_PER_HR_PIXEL = 4500;

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

    /**
     * Context around a tile, in LR pixels, when the network's receptive radius is larger. Unlike a restore, an
     * optimisation need not be exact at the tile's edge, only good: on the test photo in 2x2 tiles, margins of 8, 20
     * and the full radius (42 at x2, 47 at x4) gave the same gain to 1e-4 dB, while the full radius made x4 tiles
     * under a 1 GiB run share 66 LR pixels with 47 on each side (6x the work of the tile itself).
     */
    static final int MARGIN_LR = 16;

    private final ModelPack pack;
    private final Descent descent;
    private final Settings settings;

    /**
     * @param tileLr largest LR side one run covers, margins excluded (the caller sizes it to the memory budget with
     *               {@link #GRAD_BYTES_PER_HR_PIXEL})
     * @throws IllegalArgumentException if the pack ships no gradient graph or states no architecture
     */
    LrOptimizer(ModelPack pack, int tileLr, Settings settings) {
        this.pack = pack;
        GradientGraph graph = pack.lrGrad().orElseThrow(() -> new IllegalArgumentException(pack.id()
                + " ships no lr_grad.onnx"));
        this.descent = new Descent(graph, "lr", pack.scale(), tileLr, margin(pack), settings.step(),
                settings.boundLevels(), false);
        this.settings = settings;
    }

    /** The tiles' margin: {@value #MARGIN_LR}, or the receptive radius when smaller. */
    static int margin(ModelPack pack) {
        return Math.min(MARGIN_LR, pack.card().receptiveRadiusLr().orElseThrow(() ->
                new IllegalArgumentException(pack.id() + " states no architecture, so its optimisation cannot be tiled")));
    }

    /** The LR side one run covers at most, margins excluded. */
    public int tileLr() {
        return descent.tileLr();
    }

    /** The context around each tile, LR pixels on each side. */
    public int marginLr() {
        return descent.margin();
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
        descent.eachTile(lr.width(), lr.height(), iterations, progress,
                (t, ran) -> optimizeTile(t, padded, out, lr.width(), hr.width(), hr.height(), iterations, control, ran));
        Rgb8Image result = Rgb8Image.opaque(lr.width(), lr.height(), out);
        return lr.hasAlpha() ? result.withAlpha(lr.alpha()) : result;
    }

    /**
     * Optimises the LR samples of {@code t} in {@code lr} (interleaved RGB, {@code lrWidth} wide) in place, against
     * the HR of the original ({@code width x height}, inside the reflect-padded {@code padded}).
     */
    private void optimizeTile(Tile t, Rgb8Image padded, byte[] lr, int lrWidth, int width, int height,
            int iterations, RunControl control, Runnable ran) {
        try (Arena arena = Arena.ofConfined()) {
            // The tile's own samples are still the model's LR (tiles do not overlap); its margins are the
            // neighbours' LR as it is now, and stay so.
            Rgb8Image region = Resampler.crop(Rgb8Image.opaque(lrWidth, lr.length / 3 / lrWidth, lr), t.x0(), t.y0(),
                    t.width(), t.height());
            FloatTensor ref = TensorCodec.toTensor(region, arena);
            Map<String, FloatTensor> inputs = new LinkedHashMap<>();
            inputs.put("lr", FloatTensor.allocate(arena, 1, 3, t.height(), t.width()));
            inputs.put("hr", descent.target(t, padded, arena));
            inputs.put("lr_ref", ref);
            inputs.put("mask", descent.mask(t, width, height, arena));
            inputs.put("chroma", FloatTensor.copyOf(arena, new float[] {settings.chroma()}, 1));
            inputs.put("fidelity", FloatTensor.copyOf(arena, new float[] {settings.fidelity()}, 1));
            Descent.Box own = descent.ownLr(t);
            float[] best = descent.descend(inputs, ref.toArray(), own, iterations, control, ran, arena,
                    "optimisation of " + pack.id());
            Descent.writeBack(best, own, lr, lrWidth, t.x0(), t.y0());
        }
    }
}
