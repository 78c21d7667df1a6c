package dev.iris.image;

import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes images. Stateless and thread-safe. */
public final class Encoder {
    private Encoder() {}

    static final String NO_WEBP = "webp output is not available on this server";

    /** Whether {@code format} can be written on this machine (WebP needs its native library). */
    public static boolean supports(ImageFormat format) {
        return switch (format) {
            case PNG, JPEG -> true;
            case WEBP -> WebpProbe.WORKS;
        };
    }

    /** Tries one small WebP encode the first time it is asked; the answer holds for the life of the JVM. */
    private static final class WebpProbe {
        static final boolean WORKS = probe();

        private static boolean probe() {
            try {
                byte[] out = webp(Rgb8Image.opaque(2, 2, new byte[12]), 50);
                return out.length > 12 && out[0] == 'R' && out[8] == 'W';
            } catch (Exception | LinkageError e) {
                return false;
            }
        }
    }

    /**
     * Encodes {@code image}. PNG is lossless and keeps alpha; JPEG has no alpha, so it is composited onto white;
     * WebP is lossy at {@code quality} and keeps alpha.
     *
     * @param quality 1..100, ignored for PNG
     */
    public static byte[] encode(Rgb8Image image, ImageFormat format, int quality) {
        if (format != ImageFormat.PNG && (quality < 1 || quality > 100)) {
            throw new IllegalArgumentException("quality must be 1..100, got " + quality);
        }
        try {
            return switch (format) {
                case PNG -> write("png", bufferedImage(image), null);
                case JPEG -> {
                    ImageWriter writer = writer("jpeg");
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(quality / 100f);
                    yield write(writer, bufferedImage(onWhite(image)), param);
                }
                case WEBP -> {
                    if (!supports(ImageFormat.WEBP)) {
                        throw new ImageException(NO_WEBP);
                    }
                    yield webp(image, quality);
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException("could not encode " + format + ": " + e.getMessage(), e);
        }
    }

    /**
     * Encodes {@code image} as lossless WebP (VP8L): decoding it gives back exactly its RGB and, if it has one, its
     * alpha plane (colours under transparent pixels included). {@code method} (0..6) and {@code effort} (0..100)
     * are libwebp's two lossless effort settings, cwebp's {@code -m} and {@code -q} with {@code -lossless}: higher
     * is smaller and slower; neither changes a pixel.
     *
     * @throws ImageException if WebP is not available on this machine
     */
    public static byte[] webpLossless(Rgb8Image image, int method, int effort) {
        if (method < 0 || method > 6 || effort < 0 || effort > 100) {
            throw new IllegalArgumentException("expected method 0..6 and effort 0..100, got " + method + " and "
                    + effort);
        }
        if (!supports(ImageFormat.WEBP)) {
            throw new ImageException(NO_WEBP);
        }
        ImageWriter writer = writer("webp");
        // The plugin's own parameter type: ImageIO's generic ImageWriteParam has no word for libwebp's method.
        if (!(writer.getDefaultWriteParam() instanceof WebPWriteParam param)) {
            writer.dispose();
            throw new ImageException(NO_WEBP);
        }
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType("Lossless");
        param.setCompressionQuality(effort / 100f);
        param.setMethod(method);
        param.setExact(true);
        try {
            return write(writer, argbImage(image), param);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode lossless webp: " + e.getMessage(), e);
        }
    }

    private static byte[] webp(Rgb8Image image, int quality) throws IOException {
        ImageWriter writer = writer("webp");
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        String lossy = null;
        for (String type : param.getCompressionTypes()) {
            if (type.equalsIgnoreCase("lossy")) {
                lossy = type;
            }
        }
        if (lossy != null) {
            param.setCompressionType(lossy);
        }
        param.setCompressionQuality(quality / 100f);
        return write(writer, argbImage(image), param);
    }

    private static ImageWriter writer(String format) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) {
            throw format.equals("webp") ? new ImageException(NO_WEBP)
                    : new IllegalStateException("no ImageIO writer for " + format);
        }
        return writers.next();
    }

    private static byte[] write(String format, BufferedImage image, ImageWriteParam param) throws IOException {
        return write(writer(format), image, param);
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** An sRGB BufferedImage sharing (opaque) or interleaving (alpha) the image's bytes, R G B [A] order. */
    static BufferedImage bufferedImage(Rgb8Image image) {
        int w = image.width();
        int h = image.height();
        boolean alpha = image.hasAlpha();
        byte[] data;
        if (alpha) {
            data = new byte[4 * w * h];
            byte[] rgb = image.rgb();
            byte[] a = image.alpha();
            for (int p = 0; p < w * h; p++) {
                data[4 * p] = rgb[3 * p];
                data[4 * p + 1] = rgb[3 * p + 1];
                data[4 * p + 2] = rgb[3 * p + 2];
                data[4 * p + 3] = a[p];
            }
        } else {
            data = image.rgb();
        }
        int bands = alpha ? 4 : 3;
        int[] offsets = alpha ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2};
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(data, data.length), w, h,
                bands * w, bands, offsets, new Point(0, 0));
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, raster, false, null);
    }

    /** TYPE_INT_ARGB (or RGB) copy, the layout native encoders handle best. */
    private static BufferedImage argbImage(Rgb8Image image) {
        int w = image.width();
        int h = image.height();
        boolean alpha = image.hasAlpha();
        BufferedImage out = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] px = new int[w * h];
        byte[] rgb = image.rgb();
        byte[] a = image.alpha();
        for (int p = 0; p < px.length; p++) {
            int av = a == null ? 0xFF : a[p] & 0xFF;
            px[p] = av << 24 | (rgb[3 * p] & 0xFF) << 16 | (rgb[3 * p + 1] & 0xFF) << 8 | (rgb[3 * p + 2] & 0xFF);
        }
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    /** Alpha composited onto white; the image itself when opaque. */
    static Rgb8Image onWhite(Rgb8Image image) {
        if (!image.hasAlpha()) {
            return image;
        }
        byte[] rgb = image.rgb();
        byte[] a = image.alpha();
        byte[] out = new byte[rgb.length];
        for (int p = 0; p < a.length; p++) {
            int av = a[p] & 0xFF;
            int inv = 255 - av;
            for (int c = 0; c < 3; c++) {
                int v = (rgb[3 * p + c] & 0xFF) * av + 255 * inv;
                out[3 * p + c] = (byte) ((v + 127) / 255);
            }
        }
        return Rgb8Image.opaque(image.width(), image.height(), out);
    }
}
