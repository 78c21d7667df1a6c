package dev.iris.model;

import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import dev.iris.ort.RunResult;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pack's two graphs, whose LR is an integer factor ({@link #scale}) smaller than their HR, over images tile
 * by tile: each tile runs with a margin of the network's receptive radius around it (plus what the caller needs
 * beyond it), and only its centre is kept, so the result equals a whole-image run while native memory stays
 * bounded by the tile size. Both model families run through it: IRN on the original, the arbitrary-scale family
 * on the original resampled to the core's size. Thread-safe; all native memory of a call is freed before it returns.
 */
final class TiledCore {
    /** The smallest tile worth running: below it the margins are nearly all of the work. */
    private static final int MIN_TILE_LR = 16;

    private final ModelPack pack;
    private final int scale;
    private final int tileLr;
    private final int margin;

    /** Pixels of the core's HR input, {@code [x, x + w) x [y, y + h)} in core pixels. */
    interface Source {
        Rgb8Image region(int x, int y, int w, int h);
    }

    /** Takes a restored tile: {@code core} is the output over the tile's run region, at the core's scale. */
    interface Sink {
        void accept(Tile tile, Rgb8Image core);
    }

    /**
     * @param tileLr      largest LR side run in one go
     * @param maxRunBytes native memory one run may hold: tiles shrink below {@code tileLr} until a tile with its
     *                    margins fits at {@code runBytesPerHrPixel} (never below {@value #MIN_TILE_LR}: a smaller
     *                    budget is exceeded, with a warning)
     * @param extraMargin LR pixels of exact output the caller needs around each kept tile (0 for IRN; the
     *                    resampling support for the arbitrary-scale family)
     */
    TiledCore(ModelPack pack, int tileLr, long maxRunBytes, long runBytesPerHrPixel, int extraMargin) {
        if (tileLr < 1) {
            throw new IllegalArgumentException("tile side must be positive, got " + tileLr);
        }
        this.pack = pack;
        this.scale = pack.card().scale();
        var radius = pack.card().receptiveRadiusLr();
        this.margin = radius.isPresent() ? radius.getAsInt() + extraMargin : -1;
        this.tileLr = Math.min(tileLr, largestTileWithin(maxRunBytes, runBytesPerHrPixel));
    }

    private int largestTileWithin(long maxRunBytes, long runBytesPerHrPixel) {
        if (margin < 0 && maxRunBytes != Long.MAX_VALUE) {
            System.getLogger(TiledCore.class.getName()).log(System.Logger.Level.WARNING, "model {0} states no "
                    + "architecture, so it cannot be tiled: every image runs whole, whatever the memory budget",
                    pack.id());
        }
        return margin < 0 ? Integer.MAX_VALUE : largestTile(pack, maxRunBytes, runBytesPerHrPixel, margin);
    }

    /**
     * The largest tile side whose run, {@code margin} LR pixels on each side included, stays within
     * {@code maxRunBytes} at {@code bytesPerHrPixel} ({@code Long.MAX_VALUE}: no budget, whole-image runs); never
     * below {@value #MIN_TILE_LR}, with a warning when even that is over budget.
     */
    static int largestTile(ModelPack pack, long maxRunBytes, long bytesPerHrPixel, int margin) {
        if (maxRunBytes == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        int scale = pack.card().scale();
        long hrSide = (long) Math.sqrt((double) maxRunBytes / bytesPerHrPixel);
        long tile = hrSide / scale - 2L * margin;
        if (tile < MIN_TILE_LR) {
            long hr = (long) (MIN_TILE_LR + 2 * margin) * scale;
            System.getLogger(TiledCore.class.getName()).log(System.Logger.Level.WARNING, "model {0}: a run of even "
                    + "a {1}-pixel tile needs {2} MiB, more than the {3} MiB each run may have (limits."
                    + "modelMemoryBytes / model runs): running {1}-pixel tiles over budget", pack.id(), MIN_TILE_LR,
                    hr * hr * bytesPerHrPixel >> 20, maxRunBytes >> 20);
            return MIN_TILE_LR;
        }
        return (int) Math.min(Integer.MAX_VALUE, tile);
    }

    int tileLr() {
        return tileLr;
    }

    int scale() {
        return scale;
    }

    /** The LR, {@code lrWidth x lrHeight}, of the core-sized HR that {@code source} gives tile by tile. */
    Rgb8Image downscale(int lrWidth, int lrHeight, Source source, float[] conditioning, RunControl control) {
        byte[] out = new byte[3 * lrWidth * lrHeight];
        for (Tile t : tiles(lrWidth, lrHeight, 0, 0, lrWidth, lrHeight)) {
            Rgb8Image hr = source.region(t.x0() * scale, t.y0() * scale, t.width() * scale, t.height() * scale);
            Rgb8Image lr;
            try (Arena arena = Arena.ofConfined();
                    RunResult result = pack.down().run(inputs("hr", hr, conditioning, arena), control)) {
                lr = TensorCodec.toImage(result.tensor("lr"), t.width(), t.height());
            }
            copyRows(lr, t.tx() - t.x0(), t.ty() - t.y0(), t.keepW(), t.keepH(), out, lrWidth, t.tx(), t.ty());
        }
        return Rgb8Image.opaque(lrWidth, lrHeight, out);
    }

    /**
     * Restores the tiles of {@code lr} whose kept part meets {@code [wx0, wx1) x [wy0, wy1)} (LR pixels), handing
     * each to {@code sink} as it is made.
     */
    void restore(Rgb8Image lr, int wx0, int wy0, int wx1, int wy1, float[] conditioning, RunControl control,
            Sink sink) {
        for (Tile t : tiles(lr.width(), lr.height(), wx0, wy0, wx1, wy1)) {
            Rgb8Image part = t.width() == lr.width() && t.height() == lr.height() ? lr
                    : dev.iris.image.Resampler.crop(lr, t.x0(), t.y0(), t.width(), t.height());
            Rgb8Image core;
            try (Arena arena = Arena.ofConfined()) {
                FloatTensor hr = FloatTensor.allocate(arena, 1, 3, (long) t.height() * scale,
                        (long) t.width() * scale);
                pack.up().runInto(inputs("lr", part, conditioning, arena), Map.of("hr", hr), control);
                core = TensorCodec.toImage(hr, t.width() * scale, t.height() * scale);
            }
            sink.accept(t, core);
        }
    }

    /**
     * The tiles whose kept parts cover the window (clipped to the LR); one tile when the window fits in one. A
     * model without a receptive radius runs whole: its window is the whole LR.
     */
    private List<Tile> tiles(int lrWidth, int lrHeight, int wx0, int wy0, int wx1, int wy1) {
        if (margin < 0) {
            return Tile.grid(lrWidth, lrHeight, Integer.MAX_VALUE, 0);
        }
        return Tile.grid(Math.max(0, wx0), Math.max(0, wy0), Math.min(lrWidth, wx1), Math.min(lrHeight, wy1),
                lrWidth, lrHeight, tileLr, margin);
    }

    private static Map<String, FloatTensor> inputs(String name, Rgb8Image image, float[] conditioning, Arena arena) {
        Map<String, FloatTensor> inputs = new LinkedHashMap<>();
        inputs.put(name, TensorCodec.toTensor(image, arena));
        if (conditioning != null) {
            inputs.put("scale", FloatTensor.copyOf(arena, conditioning, 1, conditioning.length));
        }
        return inputs;
    }

    static void copyRows(Rgb8Image from, int fromX, int fromY, int w, int h, byte[] to, int toWidth, int toX,
            int toY) {
        for (int y = 0; y < h; y++) {
            System.arraycopy(from.rgb(), 3 * ((fromY + y) * from.width() + fromX), to, 3 * ((toY + y) * toWidth + toX),
                    3 * w);
        }
    }
}
