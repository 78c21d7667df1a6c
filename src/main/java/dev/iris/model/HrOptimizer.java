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
 * The HR stage of HCD (Xu et al., ICCV 2023), which runs before the LR stage ({@link LrOptimizer}): gradient steps
 * on the HR fed to {@code down.onnx}, so that the LR it makes (rounded to 8 bits) restores the original better
 * through the frozen {@code up.onnx}; the gradients come from the pack's {@code hr_grad.onnx}. The result is an HR
 * to downscale in place of the original: the LR stage then starts from its LR, against the original. Thread-safe;
 * one per model pack; all native memory of a call is freed before it returns.
 *
 * <p>The HR moves continuously, but the graph is fed the HR rounded to 8 bits (a straight-through estimator
 * outside the graph), because the result is an 8-bit image: the loss is that of the HR that will be downscaled,
 * and the iterate of lowest loss is kept, so the stage never makes the loss worse. Each sample stays in [0, 1]
 * and within {@link Settings#boundLevels} levels of the original. Tiles and margins as the LR stage's (in LR
 * pixels, times the scale), in row order, each tile's HR optimised with the margins' HR held fixed.
 */
public final class HrOptimizer {
    /**
     * Native memory one run of {@code hr_grad.onnx} holds at its peak, per HR pixel it covers, inputs and outputs
     * included: the forward activations of both networks stay alive for the backward pass. Measured through our
     * binding as the server runs it ({@code iris hcd --hr-iterations}, docs/HCD.md): the process's resident peak grew
     * by 6069 bytes per HR pixel of the largest run at x2, JVM heap included (ORT 1.30 from Python, arena off: 4180
     * at x2, 3955 at x4); rounded up by about 5%.
     */
    public static final long GRAD_BYTES_PER_HR_PIXEL = 6400;

    /**
     * How the HR moves.
     *
     * @param step        Adam's learning rate, in units of the [0, 1] HR
     * @param chroma      weight of colour errors against luma errors, as the LR stage's
     * @param boundLevels how far, in 8-bit levels, any HR sample may move from the original
     */
    public record Settings(double step, float chroma, int boundLevels) {
        /** The defaults (docs/HCD.md). */
        public static final Settings DEFAULT = new Settings(2e-3, LrOptimizer.Settings.DEFAULT.chroma(), 4);

        public Settings {
            if (!(step > 0) || !(chroma >= 0) || boundLevels < 1) {
                throw new IllegalArgumentException("bad HR optimiser settings: step " + step + ", chroma " + chroma
                        + ", bound " + boundLevels);
            }
        }
    }

    private final ModelPack pack;
    private final Descent descent;
    private final Settings settings;

    /**
     * @param tileLr largest LR side one run covers, margins excluded (the caller sizes it to the memory budget with
     *               {@link #GRAD_BYTES_PER_HR_PIXEL})
     * @throws IllegalArgumentException if the pack ships no {@code hr_grad.onnx} or states no architecture
     */
    HrOptimizer(ModelPack pack, int tileLr, Settings settings) {
        this.pack = pack;
        GradientGraph graph = pack.hrGrad().orElseThrow(() -> new IllegalArgumentException(pack.id()
                + " ships no hr_grad.onnx"));
        this.descent = new Descent(graph, "x", pack.scale(), tileLr, LrOptimizer.margin(pack), settings.step(),
                settings.boundLevels(), true);
        this.settings = settings;
    }

    /** The LR side one run covers at most, margins excluded. */
    public int tileLr() {
        return descent.tileLr();
    }

    /**
     * {@code hr} optimised for {@code iterations} Adam steps as the input of the downscaler.
     *
     * @param hr         the original, any size; alpha is ignored (and kept)
     * @param iterations Adam steps per tile, at least 1 (each costs one run of the gradient graph, plus one to
     *                   evaluate the last step)
     * @param control    cancels the work from another thread; may be {@code null}
     * @param progress   receives the fraction of the work done, from 0 to 1, after each run
     * @return a new image of the same size, to downscale instead of {@code hr}; {@code hr} is not changed
     * @throws dev.iris.ort.OrtException if a run fails or is cancelled inside ONNX Runtime
     * @throws CancellationException     if {@code control} was cancelled between runs
     */
    public Rgb8Image optimize(Rgb8Image hr, int iterations, RunControl control, DoubleConsumer progress) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
        }
        int s = pack.scale();
        Rgb8Image padded = TensorCodec.reflectPad(hr, s);
        byte[] current = padded.rgb().clone(); // the HR as optimised so far, tile by tile
        descent.eachTile(padded.width() / s, padded.height() / s, iterations, progress,
                (t, ran) -> optimizeTile(t, padded, current, hr.width(), hr.height(), iterations, control, ran));
        Rgb8Image result = Resampler.crop(Rgb8Image.opaque(padded.width(), padded.height(), current), 0, 0,
                hr.width(), hr.height());
        return hr.hasAlpha() ? result.withAlpha(hr.alpha()) : result;
    }

    /**
     * Optimises the HR samples under {@code t} in {@code current} (interleaved RGB, as wide as {@code padded}) in
     * place, against the original {@code padded} ({@code width x height} before padding).
     */
    private void optimizeTile(Tile t, Rgb8Image padded, byte[] current, int width, int height, int iterations,
            RunControl control, Runnable ran) {
        int s = pack.scale();
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor target = descent.target(t, padded, arena);
            float[] start = TensorCodec.toTensor(Resampler.crop(Rgb8Image.opaque(padded.width(), padded.height(),
                    current), t.x0() * s, t.y0() * s, t.width() * s, t.height() * s), arena).toArray();
            Map<String, FloatTensor> inputs = new LinkedHashMap<>();
            inputs.put("x", FloatTensor.allocate(arena, 1, 3, (long) t.height() * s, (long) t.width() * s));
            inputs.put("hr", target);
            inputs.put("mask", descent.mask(t, width, height, arena));
            inputs.put("chroma", FloatTensor.copyOf(arena, new float[] {settings.chroma()}, 1));
            // the HR under the tile's own LR samples moves, less any padding beyond the original (the downscale
            // that follows pads the result afresh)
            Descent.Box own = descent.ownLr(t);
            Descent.Box box = new Descent.Box(t.width() * s, own.x0() * s, own.y0() * s,
                    Math.min(own.x1() * s, width - t.x0() * s), Math.min(own.y1() * s, height - t.y0() * s));
            float[] best = descent.descend(inputs, start, box, iterations, control, ran, arena,
                    "HR optimisation of " + pack.id());
            Descent.writeBack(best, box, current, padded.width(), t.x0() * s, t.y0() * s);
        }
    }
}
