package dev.iris.measure;

import dev.iris.asset.LrCodec;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.Filter;
import dev.iris.image.ImageFormat;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.Rescaler;
import java.util.ArrayList;
import java.util.List;

/**
 * Quality against storage for one image: iris (learned downscale, 8-bit LR stored losslessly as PNG or as
 * lossless WebP, restore with z = 0)
 * and what a user would pick instead: a bicubic LR of the same size enlarged with bicubic or Lanczos, and the HR
 * itself stored as JPEG or WebP. Metrics follow the IRN protocol: the HR is cropped to a multiple of the scale,
 * restores are rounded to 8 bits, PSNR-Y and SSIM-Y ignore a border of {@code scale} pixels. Stateless.
 */
final class Evaluation {
    private static final int[] QUALITIES = {75, 85, 95};

    private Evaluation() {}

    /** Every method's row for the image in {@code encoded}. */
    static List<EvalRow> evaluate(String name, byte[] encoded, Rescaler model) {
        int s = model.scale();
        Rgb8Image decoded = Decoder.decode(encoded, DecodeLimits.defaults()).withoutAlpha();
        Rgb8Image hr = Resampler.crop(decoded, 0, 0, decoded.width() / s * s, decoded.height() / s * s);
        long pixels = (long) hr.width() * hr.height();
        int lrW = hr.width() / s, lrH = hr.height() / s;
        Rgb8Image bicubicLr = Resampler.resize(hr, lrW, lrH, Filter.BICUBIC);
        List<EvalRow> rows = new ArrayList<>();

        Rgb8Image lr = model.downscale(hr, null);
        Rgb8Image restored = model.restore(lr, hr.width(), hr.height(), null);
        double lrPsnr = Quality.psnrY(bicubicLr, lr, 0);
        if (LrCodec.webp().available()) {
            rows.add(row(name, "iris " + model.pack().id() + " (WebP LR)", hr, restored,
                    LrCodec.webp().encode(lr).lr().length, pixels, s, lrPsnr));
        }
        rows.add(row(name, "iris " + model.pack().id() + " (PNG LR)", hr, restored, png(lr), pixels, s, lrPsnr));

        long bicubicBytes = png(bicubicLr);
        rows.add(row(name, "bicubic→bicubic", hr, Resampler.resize(bicubicLr, hr.width(), hr.height(),
                Filter.BICUBIC), bicubicBytes, pixels, s, Double.POSITIVE_INFINITY));
        rows.add(row(name, "bicubic→Lanczos", hr, Resampler.resize(bicubicLr, hr.width(), hr.height(),
                Filter.LANCZOS3), bicubicBytes, pixels, s, Double.POSITIVE_INFINITY));

        for (ImageFormat format : List.of(ImageFormat.JPEG, ImageFormat.WEBP)) {
            if (!Encoder.supports(format)) {
                continue;
            }
            for (int q : QUALITIES) {
                byte[] bytes = Encoder.encode(hr, format, q);
                Rgb8Image back = Decoder.decode(bytes, DecodeLimits.defaults()).withoutAlpha();
                rows.add(row(name, (format == ImageFormat.JPEG ? "JPEG" : "WebP") + " q" + q + " (HR)", hr, back,
                        bytes.length, pixels, s, Double.NaN));
            }
        }
        rows.add(new EvalRow(name, "PNG (HR, lossless)", png(hr), 8.0 * png(hr) / pixels, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, 1.0, Double.NaN));
        return rows;
    }

    private static EvalRow row(String name, String method, Rgb8Image hr, Rgb8Image test, long bytes, long pixels,
            int border, double lrPsnr) {
        return new EvalRow(name, method, bytes, 8.0 * bytes / pixels, Quality.psnrY(hr, test, border),
                Quality.psnrRgb(hr, test, border), Quality.ssimY(hr, test, border), lrPsnr);
    }

    private static long png(Rgb8Image image) {
        return Encoder.encode(image, ImageFormat.PNG, 100).length;
    }
}
