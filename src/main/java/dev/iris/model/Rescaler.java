package dev.iris.model;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.RunControl;
import dev.iris.ort.RunResult;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * Runs one model pack on images: the learned downscale that makes an asset's LR, and the restore that brings the
 * HR back. Thread-safe; all native memory of a call is freed before it returns.
 */
public final class Rescaler {
    /** Default tile side in LR pixels: about 0.26 MP of LR, 1 MP of output at x2, a few hundred MB of ORT memory. */
    public static final int DEFAULT_TILE_LR = 512;

    private final ModelPack pack;
    private final int tileLr;

    public Rescaler(ModelPack pack) {
        this(pack, DEFAULT_TILE_LR);
    }

    /** @param tileLr largest LR side restored in one run; larger LRs are restored in overlapping tiles */
    public Rescaler(ModelPack pack, int tileLr) {
        if (tileLr < 1) { // the configured minimum is the loader's (models.tileLr)
            throw new IllegalArgumentException("tile side must be positive, got " + tileLr);
        }
        this.pack = pack;
        this.tileLr = tileLr;
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
     */
    public Rgb8Image downscale(Rgb8Image hr, RunControl control) {
        Rgb8Image padded = TensorCodec.reflectPad(hr, scale());
        try (Arena arena = Arena.ofConfined();
                RunResult result = pack.down().run(Map.of("hr", TensorCodec.toTensor(padded, arena)), control)) {
            return TensorCodec.toImage(result.tensor("lr"), padded.width() / scale(), padded.height() / scale());
        }
    }

    /**
     * The HR restored from {@code lr} through {@code up.onnx} (z = 0), cropped to {@code width x height}
     * (the original size, which padding at ingest may have rounded up).
     *
     * <p>An LR larger than the tile is restored tile by tile, each tile run with a margin of the network's
     * receptive radius around it and only its centre kept, so the result equals a whole-image run while native
     * memory stays bounded by the tile size (a whole 1-MP restore needs about 1 GB).
     */
    public Rgb8Image restore(Rgb8Image lr, int width, int height, RunControl control) {
        int s = scale();
        if (width > lr.width() * s || height > lr.height() * s) {
            throw new IllegalArgumentException("cannot restore " + width + "x" + height + " from a " + lr.width()
                    + "x" + lr.height() + " LR at x" + s);
        }
        var radius = pack.card().receptiveRadiusLr();
        if (radius.isEmpty() || (lr.width() <= tileLr && lr.height() <= tileLr)) {
            return Resampler.crop(restoreWhole(lr, control), 0, 0, width, height);
        }
        int margin = radius.getAsInt();
        byte[] out = new byte[3 * width * height];
        for (int ty = 0; ty * s < height; ty += tileLr) {
            for (int tx = 0; tx * s < width; tx += tileLr) {
                int x0 = Math.max(0, tx - margin), y0 = Math.max(0, ty - margin);
                int x1 = Math.min(lr.width(), tx + tileLr + margin), y1 = Math.min(lr.height(), ty + tileLr + margin);
                Rgb8Image tile = restoreWhole(Resampler.crop(lr, x0, y0, x1 - x0, y1 - y0), control);
                int keepW = Math.min(tileLr * s, width - tx * s), keepH = Math.min(tileLr * s, height - ty * s);
                copyRows(tile, (tx - x0) * s, (ty - y0) * s, keepW, keepH, out, width, tx * s, ty * s);
            }
        }
        return Rgb8Image.opaque(width, height, out);
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
