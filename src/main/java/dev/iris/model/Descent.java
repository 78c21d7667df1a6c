package dev.iris.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.DoubleConsumer;

/**
 * What both stages of HCD share ({@link HrOptimizer}, {@link LrOptimizer}): the tiles, the mask of the HR pixels a
 * tile's loss counts, and Adam on one tile's samples through a gradient graph, bounded, keeping the iterate of
 * lowest loss. Immutable; thread-safe.
 *
 * @param graph       the gradient graph ({@code loss} and {@code grad} of its input {@code variable})
 * @param variable    the graph input that moves
 * @param scale       the model's scale
 * @param tileLr      largest LR side one run covers, margins excluded
 * @param margin      LR pixels of context on each side of a tile, held fixed
 * @param step        Adam's learning rate, in units of the [0, 1] samples
 * @param boundLevels how far, in 8-bit levels, a sample may move from where it started
 * @param roundFed    whether the graph is fed the iterate rounded to 8 bits (a straight-through estimator outside
 *                    the graph: the loss is that of the 8-bit image that will be kept, the step is taken on the
 *                    continuous one), for a graph that does not round its input itself
 */
record Descent(GradientGraph graph, String variable, int scale, int tileLr, int margin, double step, int boundLevels,
        boolean roundFed) {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;

    /** The samples that move: columns {@code [x0, x1)}, rows {@code [y0, y1)} of a region {@code width} wide. */
    record Box(int width, int x0, int y0, int x1, int y1) {}

    /**
     * Calls {@code body} for each tile of a {@code lrWidth x lrHeight} LR in row order, with a callback to call
     * after each run of the graph that tells {@code progress} the fraction done ({@code iterations + 1} runs a
     * tile).
     */
    void eachTile(int lrWidth, int lrHeight, int iterations, DoubleConsumer progress,
            BiConsumer<Tile, Runnable> body) {
        List<Tile> tiles = Tile.grid(lrWidth, lrHeight, tileLr, margin);
        double runs = (double) tiles.size() * (iterations + 1);
        long[] done = {0};
        Runnable ran = () -> progress.accept(++done[0] / runs);
        for (Tile t : tiles) {
            body.accept(t, ran);
        }
    }

    /** The tile's own LR samples within its run region: only these move, and only the HR under them counts. */
    Box ownLr(Tile t) {
        int cx0 = t.tx() - t.x0(), cy0 = t.ty() - t.y0();
        return new Box(t.width(), cx0, cy0, Math.min(cx0 + tileLr, t.width()), Math.min(cy0 + tileLr, t.height()));
    }

    /** The target: the HR of {@code t}'s run region, cut from the reflect-padded original. */
    FloatTensor target(Tile t, Rgb8Image padded, Arena arena) {
        return TensorCodec.toTensor(Resampler.crop(padded, t.x0() * scale, t.y0() * scale, t.width() * scale,
                t.height() * scale), arena);
    }

    /**
     * 1 on the HR pixels under the tile's own LR samples, less any padding beyond the original ({@code width x
     * height}), 0 elsewhere (the margins, which other tiles count).
     */
    FloatTensor mask(Tile t, int width, int height, Arena arena) {
        Box own = ownLr(t);
        int s = scale, w = t.width() * s;
        FloatTensor mask = FloatTensor.allocate(arena, 1, 1, (long) t.height() * s, w);
        int x1 = Math.min(own.x1() * s, width - t.x0() * s), y1 = Math.min(own.y1() * s, height - t.y0() * s);
        for (int y = own.y0() * s; y < y1; y++) {
            for (int x = own.x0() * s; x < x1; x++) {
                mask.data().setAtIndex(JAVA_FLOAT, (long) y * w + x, 1f);
            }
        }
        return mask;
    }

    /**
     * Runs {@code iterations} Adam steps on the samples of {@code box} (planar RGB, {@code x0.length / 3} a plane),
     * from {@code x0}, each projected into [0, 1] and to within {@link #boundLevels} levels of {@code x0}; the graph
     * is run on {@code inputs} with {@link #variable} set to each iterate ({@code iterations + 1} runs: the last step
     * is evaluated too). Returns the iterate of lowest loss (as fed, so rounded when {@link #roundFed}).
     *
     * @throws dev.iris.ort.OrtException if a run fails or is cancelled inside ONNX Runtime
     * @throws CancellationException     if {@code control} was cancelled between runs
     */
    float[] descend(Map<String, FloatTensor> inputs, float[] x0, Box box, int iterations, RunControl control,
            Runnable ran, Arena arena, String what) {
        int n = x0.length;
        FloatTensor input = inputs.get(variable);
        FloatTensor loss = FloatTensor.allocate(arena, 1);
        FloatTensor grad = FloatTensor.allocate(arena, input.shape().stream().mapToLong(Long::longValue).toArray());
        Map<String, FloatTensor> outputs = Map.of("loss", loss, "grad", grad);
        float[] x = x0.clone(), fed = roundFed ? new float[n] : x, best = x0.clone();
        float[] g = new float[n], m = new float[n], v = new float[n];
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= iterations; i++) {
            if (control != null && control.isCancelled()) {
                throw new CancellationException(what + " cancelled");
            }
            if (roundFed) {
                for (int k = 0; k < n; k++) {
                    fed[k] = Math.round(x[k] * 255f) / 255f;
                }
            }
            MemorySegment.copy(fed, 0, input.data(), JAVA_FLOAT, 0, n);
            graph.session().runInto(inputs, outputs, control);
            ran.run();
            double l = loss.data().getAtIndex(JAVA_FLOAT, 0);
            if (l < bestLoss) {
                bestLoss = l;
                System.arraycopy(fed, 0, best, 0, n);
            }
            if (i < iterations) {
                MemorySegment.copy(grad.data(), JAVA_FLOAT, 0, g, 0, n);
                adamStep(x, x0, g, m, v, i + 1, box);
            }
        }
        return best;
    }

    /** One Adam step (bias-corrected, step number {@code t}) on the samples in {@code box}, projected. */
    private void adamStep(float[] x, float[] x0, float[] g, float[] m, float[] v, int t, Box box) {
        double c1 = 1 - Math.pow(BETA1, t), c2 = 1 - Math.pow(BETA2, t);
        float bound = boundLevels / 255f;
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

    /**
     * Writes the samples of {@code box} in {@code planar} (a region whose top-left is ({@code atX}, {@code atY}) of
     * {@code rgb}, an interleaved image {@code rgbWidth} wide) into {@code rgb} as 8-bit values.
     */
    static void writeBack(float[] planar, Box box, byte[] rgb, int rgbWidth, int atX, int atY) {
        int plane = planar.length / 3;
        for (int c = 0; c < 3; c++) {
            for (int y = box.y0(); y < box.y1(); y++) {
                for (int x = box.x0(); x < box.x1(); x++) {
                    rgb[3 * ((atY + y) * rgbWidth + atX + x) + c] =
                            TensorCodec.quantize(planar[c * plane + y * box.width() + x]);
                }
            }
        }
    }
}
