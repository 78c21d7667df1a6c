package dev.iris.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The arithmetic of an IRN model counted from the {@code architecture} fields of its {@code model.json}
 * ({@code levels}, {@code blocks_per_level}, {@code gc}); the structure is that of {@code models/train/irn.py}:
 * per level a Haar transform (channels x4, pixels /4) and coupling blocks, each with three dense blocks
 * F(C-3 -> 3), G(3 -> C-3), H(3 -> C-3) of five 3x3 convolutions. Only convolution multiply-adds are counted;
 * the elementwise exp, sigmoid, LeakyReLU and concatenations are left out (a few per pixel and channel, well under
 * 1% here). The restore ({@code up}) and the downscale ({@code down}) evaluate the same subnets once each, so
 * their cost per HR pixel is the same. Immutable.
 *
 * @param macsPerHrPixel  convolution multiply-adds per HR (output of a restore) pixel
 * @param params          trainable weights and biases the formula counts (the fixed Haar weights excluded, as in
 *                        release.py), to check the formula against {@code architecture.params}
 * @param declaredParams  {@code architecture.params} from model.json, or -1
 * @param widestConcatFloatsPerHrPixel the largest single feature map the network builds (the input of a dense
 *                        block's fifth convolution: its input plus four growth outputs), in floats per HR pixel
 */
record IrnCost(double macsPerHrPixel, long params, long declaredParams, double widestConcatFloatsPerHrPixel) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** FLOPs (2 per multiply-add) per HR pixel. */
    double flopsPerHrPixel() {
        return 2 * macsPerHrPixel;
    }

    /** The cost of the model in {@code modelDir}, if its model.json has the IRN architecture fields. */
    static Optional<IrnCost> of(Path modelDir) {
        try {
            JsonNode arch = JSON.readTree(modelDir.resolve("model.json").toFile()).path("architecture");
            int gc = arch.path("gc").asInt(0);
            List<Integer> blocks = new ArrayList<>();
            arch.path("blocks_per_level").forEach(b -> blocks.add(b.asInt()));
            if (gc <= 0 || blocks.isEmpty() || arch.path("levels").asInt(blocks.size()) != blocks.size()) {
                return Optional.empty();
            }
            return Optional.of(count(blocks, gc, arch.path("params").asLong(-1)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static IrnCost count(List<Integer> blocksPerLevel, int gc, long declaredParams) {
        double macs = 0;
        long params = 0;
        double widest = 0;
        int channels = 3;
        double pixelsPerHrPixel = 1;
        for (int blocks : blocksPerLevel) {
            // Inverse Haar: a grouped 2x2 transposed convolution, 4 multiply-adds per output value.
            macs += 4.0 * channels * pixelsPerHrPixel;
            channels *= 4;
            pixelsPerHrPixel /= 4;
            long blockMacs = denseMacs(channels - 3, 3, gc) + 2 * denseMacs(3, channels - 3, gc);
            macs += blocks * blockMacs * pixelsPerHrPixel;
            widest = Math.max(widest, (channels - 3 + 4.0 * gc) * pixelsPerHrPixel);
            params += blocks * (denseParams(channels - 3, 3, gc) + 2 * denseParams(3, channels - 3, gc));
        }
        return new IrnCost(macs, params, declaredParams, widest);
    }

    /** Multiply-adds per pixel of a dense block: conv k (k = 1..5) reads the input plus k-1 growth outputs. */
    private static long denseMacs(int in, int out, int gc) {
        long macs = 0;
        for (int k = 0; k < 5; k++) {
            macs += 9L * (in + (long) k * gc) * (k == 4 ? out : gc);
        }
        return macs;
    }

    private static long denseParams(int in, int out, int gc) {
        return denseMacs(in, out, gc) + 4L * gc + out;
    }
}
