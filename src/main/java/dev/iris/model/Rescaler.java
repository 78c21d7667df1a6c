package dev.iris.model;

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
    private final ModelPack pack;

    public Rescaler(ModelPack pack) {
        this.pack = pack;
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
     */
    public Rgb8Image restore(Rgb8Image lr, int width, int height, RunControl control) {
        int s = scale();
        if (width > lr.width() * s || height > lr.height() * s) {
            throw new IllegalArgumentException("cannot restore " + width + "x" + height + " from a " + lr.width()
                    + "x" + lr.height() + " LR at x" + s);
        }
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor hr = FloatTensor.allocate(arena, 1, 3, (long) lr.height() * s, (long) lr.width() * s);
            pack.up().runInto(Map.of("lr", TensorCodec.toTensor(lr, arena)), Map.of("hr", hr), control);
            return TensorCodec.toImage(hr, width, height);
        }
    }
}
