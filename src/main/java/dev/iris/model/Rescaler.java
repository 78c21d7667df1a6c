package dev.iris.model;

import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.RunControl;

/**
 * An IRN pack (fixed x2 or x4): the learned downscale that makes an asset's LR from the original reflect-padded to a
 * multiple of the scale, and the restore that brings the original back. Runs in tiles ({@link TiledCore}).
 */
public final class Rescaler implements RescaleModel {
    private final ModelPack pack;
    private final TiledCore core;

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
