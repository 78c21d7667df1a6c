package dev.iris.measure;

import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ArbitraryRescaler;
import dev.iris.model.Rescaler;
import dev.iris.model.Scale;
import java.util.List;

/**
 * Quality over scales for one image: an arbitrary-scale model against what iris could do without it, every method
 * making an LR of the same size ({@code round(W / s_x) x round(H / s_y)}) and restoring the original from it, with
 * 8-bit images in between as the store and the server have them. The methods, as issue 13 defines them:
 * <ul>
 * <li>bicubic→bicubic: the bicubic LR enlarged with bicubic;</li>
 * <li>the no-training baseline: the original resized (bicubic) to 4x the LR size, the fixed x4 model down and up,
 * resized back: the arbitrary-scale family's own cycle with the x4 IRN as its core and no scale input;</li>
 * <li>the nearest fixed-scale IRN + bicubic: the same with the x2 model at 2x the LR size when the geometric mean
 * scale is below 2√2, else x4 (the baseline itself);</li>
 * <li>the arbitrary-scale model, through its own contract.</li>
 * </ul>
 * PSNR-Y crops a border of ⌈max(s_x, s_y)⌉ pixels. Stateless; the Python twin is
 * {@code models/train/iarn_eval.py}.
 */
final class ScaleEvaluation {
    /** The scales issue 13 asks for, as (s_x, s_y). */
    static final List<Scale> SCALES = List.of(Scale.uniform(1.5), Scale.uniform(2), Scale.uniform(2.5),
            Scale.uniform(3), Scale.uniform(3.5), Scale.uniform(4), new Scale(1.5, 3), new Scale(2, 4),
            new Scale(3.5, 2));
    static final String BICUBIC = "bicubic→bicubic";
    static final String BASELINE = "no-training baseline (x4 core)";
    static final String NEAREST = "nearest IRN + bicubic";

    private ScaleEvaluation() {}

    /** Each method's row for {@code hr} at {@code scale}. */
    static List<ScaleRow> evaluate(String name, Rgb8Image hr, Scale scale, ArbitraryRescaler model, Rescaler x2,
            Rescaler x4) {
        int[] lrSize = model.lrSize(hr.width(), hr.height(), scale);
        int w = lrSize[0], h = lrSize[1];
        Rgb8Image bicubicLr = Resampler.resize(hr, w, h, Filter.BICUBIC);
        int border = (int) Math.ceil(Math.max(scale.x(), scale.y()));
        Cycle bicubic = new Cycle(bicubicLr, Resampler.resize(bicubicLr, hr.width(), hr.height(), Filter.BICUBIC));
        Cycle baseline = fixedCycle(hr, w, h, x4);
        Cycle nearest = Math.sqrt(scale.x() * scale.y()) < 2 * Math.sqrt(2) ? fixedCycle(hr, w, h, x2) : baseline;
        Rgb8Image lr = model.downscale(hr, w, h, null);
        Cycle learned = new Cycle(lr, model.restore(lr, hr.width(), hr.height(), null));
        return List.of(bicubic.row(name, scale, BICUBIC, hr, bicubicLr, border),
                baseline.row(name, scale, BASELINE, hr, bicubicLr, border),
                nearest.row(name, scale, NEAREST, hr, bicubicLr, border),
                learned.row(name, scale, model.pack().id(), hr, bicubicLr, border));
    }

    /** A fixed-scale model's cycle at the LR size {@code w x h}, with bicubic resizes to and from its HR size. */
    private static Cycle fixedCycle(Rgb8Image hr, int w, int h, Rescaler fixed) {
        int k = fixed.scale();
        Rgb8Image core = Resampler.resize(hr, k * w, k * h, Filter.BICUBIC);
        Rgb8Image lr = fixed.downscale(core, w, h, null);
        Rgb8Image restored = fixed.restore(lr, k * w, k * h, null);
        return new Cycle(lr, Resampler.resize(restored, hr.width(), hr.height(), Filter.BICUBIC));
    }

    private record Cycle(Rgb8Image lr, Rgb8Image restored) {
        ScaleRow row(String name, Scale scale, String method, Rgb8Image hr, Rgb8Image bicubicLr, int border) {
            return new ScaleRow(name, scale, method, Quality.psnrY(hr, restored, border),
                    Quality.psnrY(bicubicLr, lr, 0));
        }
    }
}
