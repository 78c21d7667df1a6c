package dev.iris.model;

import dev.iris.image.Filter;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.RunControl;

/**
 * A pack of the arbitrary-scale family ({@code architecture.family} "iarn"): one network for any scale in its range,
 * different on each axis if asked. Its core is an integer-scale invertible network (x{@link ModelCard#scale},
 * conditioned on the scale); iris does the non-integer part around it with its own bicubic resampler, exactly the
 * one the network was trained with. At ingest the original is resampled to {@code coreScale} times the LR size
 * and run through {@code down.onnx}; a restore runs {@code up.onnx} and resamples its output to the original size.
 * Both resamples run tile by tile ({@link Resampler#resizeRegion}), so the core-sized image, up to
 * {@code (coreScale / scale)^2} times the original, never exists whole.
 */
public final class ArbitraryRescaler implements RescaleModel {
    /** The resampler the family's contract names ({@code architecture.resample}). */
    static final Filter FILTER = Filter.BICUBIC;

    private final ModelPack pack;
    private final TiledCore core;

    /** As {@link Rescaler#Rescaler(ModelPack, int, long)}. */
    public ArbitraryRescaler(ModelPack pack, int tileLr, long maxRunBytes) {
        if (pack.card().family() != ModelCard.Family.IARN) {
            throw new IllegalArgumentException(pack.id() + " is not an arbitrary-scale pack");
        }
        this.pack = pack;
        this.core = new TiledCore(pack, tileLr, maxRunBytes, RUN_BYTES_PER_HR_PIXEL, resampleMarginLr(pack.card()));
    }

    /**
     * LR pixels of exact core output a tile needs beyond what it keeps, so that every original pixel whose resampling
     * centre falls in the kept part reads only exact pixels: bicubic reads 2 pixels each side, widened by
     * {@code coreScale / scale} when the restore shrinks (largest at the smallest scale), plus one for rounding.
     */
    private static int resampleMarginLr(ModelCard card) {
        int c = card.scale();
        double coreTaps = 2.0 * Math.max(1.0, c / card.minScale()) + 1;
        return (int) Math.ceil(coreTaps / c);
    }

    @Override
    public ModelPack pack() {
        return pack;
    }

    @Override
    public int tileLr() {
        return core.tileLr();
    }

    @Override
    public boolean makes(Scale scale) {
        return scale.within(pack.card().minScale(), pack.card().maxScale());
    }

    @Override
    public String scales() {
        return Scale.uniform(pack.card().minScale()) + " to " + Scale.uniform(pack.card().maxScale())
                + " on each axis";
    }

    /** The original's size over the scale, rounded, on each axis. */
    @Override
    public int[] lrSize(int width, int height, Scale scale) {
        return new int[] {Math.max(1, (int) Math.round(width / scale.x())),
            Math.max(1, (int) Math.round(height / scale.y()))};
    }

    /** The exact ratios, which is what the network is given. */
    @Override
    public Scale scaleOf(int width, int height, int lrWidth, int lrHeight) {
        return new Scale((double) width / lrWidth, (double) height / lrHeight);
    }

    @Override
    public Rgb8Image downscale(Rgb8Image hr, int lrWidth, int lrHeight, RunControl control) {
        int c = core.scale();
        int coreW = c * lrWidth, coreH = c * lrHeight;
        Rgb8Image rgb = hr.withoutAlpha();
        return core.downscale(lrWidth, lrHeight, (x, y, w, h) -> {
            Resampler.Span xs = Resampler.sourceSpan(hr.width(), coreW, FILTER, x, x + w);
            Resampler.Span ys = Resampler.sourceSpan(hr.height(), coreH, FILTER, y, y + h);
            Rgb8Image part = Resampler.crop(rgb, xs.from(), ys.from(), xs.to() - xs.from(), ys.to() - ys.from());
            return Resampler.resizeRegion(part, xs.from(), ys.from(), hr.width(), hr.height(), coreW, coreH, FILTER,
                    x, y, w, h);
        }, conditioning(hr.width(), hr.height(), lrWidth, lrHeight), control);
    }

    /**
     * The window's pixels: each tile's core output is resampled into the original pixels whose resampling centre
     * lies in the tile's kept part (so tiles partition the original), met with the window.
     */
    @Override
    public Rgb8Image restore(Rgb8Image lr, int width, int height, Region window, RunControl control) {
        if (window.x() + window.width() > width || window.y() + window.height() > height) {
            throw new IllegalArgumentException("window " + window + " lies outside " + width + "x" + height);
        }
        int c = core.scale();
        int coreW = c * lr.width(), coreH = c * lr.height();
        int wx1 = window.x() + window.width(), wy1 = window.y() + window.height();
        Resampler.Span xs = Resampler.sourceSpan(coreW, width, FILTER, window.x(), wx1);
        Resampler.Span ys = Resampler.sourceSpan(coreH, height, FILTER, window.y(), wy1);
        byte[] out = new byte[3 * window.width() * window.height()];
        core.restore(lr, xs.from() / c, ys.from() / c, Math.ceilDiv(xs.to(), c), Math.ceilDiv(ys.to(), c),
                conditioning(width, height, lr.width(), lr.height()), control, (t, tile) -> {
                    int x0 = Math.max(owned(t.tx() * c, coreW, width), window.x());
                    int x1 = Math.min(owned((t.tx() + t.keepW()) * c, coreW, width), wx1);
                    int y0 = Math.max(owned(t.ty() * c, coreH, height), window.y());
                    int y1 = Math.min(owned((t.ty() + t.keepH()) * c, coreH, height), wy1);
                    if (x1 > x0 && y1 > y0) {
                        Rgb8Image region = Resampler.resizeRegion(tile, t.x0() * c, t.y0() * c, coreW, coreH, width,
                                height, FILTER, x0, y0, x1 - x0, y1 - y0);
                        TiledCore.copyRows(region, 0, 0, region.width(), region.height(), out, window.width(),
                                x0 - window.x(), y0 - window.y());
                    }
                });
        return Rgb8Image.opaque(window.width(), window.height(), out);
    }

    /**
     * The first original pixel whose resampling centre, {@code (i + 0.5) * core / out} in core pixels, is at or
     * past core pixel {@code coreEdge}: one formula for both sides of a tile edge, so neighbours never overlap.
     */
    private static int owned(int coreEdge, int core, int out) {
        if (coreEdge >= core) {
            return out;
        }
        return (int) Math.max(0, Math.ceil((double) coreEdge * out / core - 0.5));
    }

    /** The contract's {@code scale} input: (s_y, s_x), the original's height and width over the LR's. */
    private static float[] conditioning(int width, int height, int lrWidth, int lrHeight) {
        return new float[] {(float) height / lrHeight, (float) width / lrWidth};
    }
}
