package dev.iris.model;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.iris.image.Rgb8Image;
import dev.iris.ort.FloatTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Images to and from the contract's tensors: planar float32 {@code [1, 3, H, W]}, RGB in [0, 1]. Stateless.
 * Alpha is not part of the tensors: the model sees colour only.
 */
public final class TensorCodec {
    private TensorCodec() {}

    /** {@code image}'s colour as a tensor in {@code arena}, each 8-bit sample divided by 255. */
    public static FloatTensor toTensor(Rgb8Image image, Arena arena) {
        int w = image.width(), h = image.height(), plane = w * h;
        FloatTensor tensor = FloatTensor.allocate(arena, 1, 3, h, w);
        MemorySegment data = tensor.data();
        byte[] rgb = image.rgb();
        float[] row = new float[w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    row[x] = (rgb[3 * (y * w + x) + c] & 0xFF) / 255f;
                }
                MemorySegment.copy(row, 0, data, JAVA_FLOAT, 4L * (c * plane + (long) y * w), w);
            }
        }
        return tensor;
    }

    /**
     * The top-left {@code width x height} of a {@code [1, 3, H, W]} tensor as an 8-bit image: clamped to [0, 1],
     * times 255, rounded to nearest (the quantisation the models were trained with).
     */
    public static Rgb8Image toImage(FloatTensor tensor, int width, int height) {
        int h = Math.toIntExact(tensor.shape().get(2)), w = Math.toIntExact(tensor.shape().get(3));
        if (tensor.shape().get(0) != 1 || tensor.shape().get(1) != 3 || width > w || height > h) {
            throw new IllegalArgumentException("cannot take " + width + "x" + height + " from tensor " + tensor.shape());
        }
        MemorySegment data = tensor.data();
        byte[] rgb = new byte[3 * width * height];
        float[] row = new float[width];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                MemorySegment.copy(data, JAVA_FLOAT, 4L * ((long) c * h * w + (long) y * w), row, 0, width);
                for (int x = 0; x < width; x++) {
                    rgb[3 * (y * width + x) + c] = quantize(row[x]);
                }
            }
        }
        return Rgb8Image.opaque(width, height, rgb);
    }

    static byte quantize(float v) {
        float clamped = v < 0 ? 0 : v > 1 ? 1 : v; // NaN becomes 1 via the comparisons failing; models give none
        return (byte) Math.round(clamped * 255f);
    }

    /**
     * {@code image} extended on the right and bottom to multiples of {@code multiple} by mirror reflection
     * (without repeating the edge pixel, as numpy's "reflect"), so the networks see no artificial edge.
     * Alpha, if any, is dropped: the networks never see it.
     */
    public static Rgb8Image reflectPad(Rgb8Image image, int multiple) {
        int w = image.width(), h = image.height();
        int pw = ceilTo(w, multiple), ph = ceilTo(h, multiple);
        if (pw == w && ph == h) {
            return image.withoutAlpha();
        }
        byte[] src = image.rgb();
        byte[] out = new byte[3 * pw * ph];
        for (int y = 0; y < ph; y++) {
            int sy = reflect(y, h);
            for (int x = 0; x < pw; x++) {
                int sx = reflect(x, w);
                System.arraycopy(src, 3 * (sy * w + sx), out, 3 * (y * pw + x), 3);
            }
        }
        return Rgb8Image.opaque(pw, ph, out);
    }

    static int ceilTo(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = i % period;
        return m < n ? m : period - m;
    }
}
