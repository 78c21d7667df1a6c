package dev.iris.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.w3c.dom.Node;

/**
 * Reads uploaded images into 8-bit sRGB: JPEG, PNG, and WebP when a reader is present; EXIF orientation applied;
 * grayscale, CMYK, 16-bit and ICC-profiled images converted; alpha kept. Stateless and thread-safe.
 */
public final class Decoder {
    private Decoder() {}

    static final String EMPTY = "empty file";
    static final String UNKNOWN = "not an image iris can read (expected JPEG, PNG or WebP)";
    static final String CORRUPT = "corrupt or truncated image";
    static final String NO_WEBP = "webp input is not available on this server";

    /** Format and size from the header alone. @throws ImageException if {@code data} is not a readable image */
    public static ImageHeader probe(byte[] data) {
        String format = sniff(data);
        if (format.equals("png")) {
            PngChunks.verify(data); // before the header is trusted: ImageIO never checks a CRC
        }
        ImageReader reader = reader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if (w <= 0 || h <= 0) {
                throw new ImageException(CORRUPT);
            }
            return new ImageHeader(format, w, h);
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageException(CORRUPT, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes {@code data}, checking {@code limits} against the header first.
     *
     * @throws ImageException with a one-line reason for anything that is not a usable image
     */
    public static Rgb8Image decode(byte[] data, DecodeLimits limits) {
        ImageHeader header = probe(data);
        checkLimits(header, limits);
        try {
            Rgb8Image image = switch (header.format()) {
                case "jpeg" -> Exif.apply(readJpeg(data), Exif.orientation(data));
                default -> read(data, header.format());
            };
            if (image.width() * (long) image.height() != header.width() * (long) header.height()) {
                throw new ImageException(CORRUPT);
            }
            return image;
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageException(CORRUPT, e);
        }
    }

    static void checkLimits(ImageHeader header, DecodeLimits limits) {
        long pixels = (long) header.width() * header.height();
        String size = header.width() + "x" + header.height();
        if (pixels > limits.maxPixels()) {
            throw new ImageException(String.format(Locale.ROOT, "image is %s (%.1f megapixels), more than the %.1f allowed",
                    size, pixels / 1e6, limits.maxPixels() / 1e6));
        }
        if (header.width() > limits.maxDimension() || header.height() > limits.maxDimension()) {
            throw new ImageException("image is " + size + ", a side longer than the " + limits.maxDimension()
                    + " pixels allowed");
        }
    }

    /** "jpeg", "png" or "webp" from the first bytes. */
    static String sniff(byte[] d) {
        if (d == null || d.length == 0) {
            throw new ImageException(EMPTY);
        }
        if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        if (d.length >= 8 && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G' && d[4] == 0x0D
                && d[5] == 0x0A && d[6] == 0x1A && d[7] == 0x0A) {
            return "png";
        }
        if (d.length >= 12 && new String(d, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(d, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
            return "webp";
        }
        throw ImageException.unsupportedFormat(UNKNOWN);
    }

    private static ImageReader reader(String format) {
        if (format.equals("webp")) {
            try {
                return WebpPlugin.reader();
            } catch (LinkageError e) {
                throw ImageException.unsupportedFormat(NO_WEBP);
            }
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw ImageException.unsupportedFormat(UNKNOWN);
        }
        return readers.next();
    }

    /** Records warnings that mean the data ended early or is damaged. */
    private static final class Damage implements IIOReadWarningListener {
        boolean damaged;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (w.contains("truncated") || w.contains("premature end") || w.contains("missing eoi")) {
                damaged = true;
            }
        }
    }

    private static Rgb8Image read(byte[] data, String format) throws IOException {
        ImageReader reader = reader(format);
        Damage damage = new Damage();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, false);
            reader.addIIOReadWarningListener(damage);
            boolean jpeg = format.equals("jpeg");
            if (jpeg && isCmyk(reader)) {
                // Newer JDKs read CMYK/YCCK into a naive CMYK colour space that ignores Adobe's inversion and
                // YCCK; older ones refuse. Either way take the raw samples and convert them here.
                return cmyk(checked(reader.readRaster(0, null), damage), Exif.adobeTransform(data));
            }
            BufferedImage image;
            try {
                image = checked(reader.read(0), damage);
            } catch (IIOException e) {
                if (!jpeg) {
                    throw e;
                }
                Raster raster = checked(reader.readRaster(0, null), damage);
                if (raster.getNumBands() != 4) {
                    throw e;
                }
                return cmyk(raster, Exif.adobeTransform(data));
            }
            ICC_Profile profile = format.equals("png") ? pngProfile(reader.getImageMetadata(0)) : null;
            return convert(image, profile);
        } finally {
            reader.dispose();
        }
    }

    private static <T> T checked(T decoded, Damage damage) {
        if (damage.damaged) {
            throw new ImageException(CORRUPT);
        }
        return decoded;
    }

    private static boolean isCmyk(ImageReader reader) {
        try {
            var type = reader.getRawImageType(0); // null for CMYK and YCCK on current JDKs
            if (type == null) {
                Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
                type = types.hasNext() ? types.next() : null;
            }
            if (type == null) {
                return false;
            }
            ColorModel cm = type.getColorModel();
            return cm != null && cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK;
        } catch (IOException | RuntimeException e) {
            return false; // let read() report or cope
        }
    }

    private static Rgb8Image readJpeg(byte[] data) throws IOException {
        return read(data, "jpeg");
    }

    /**
     * CMYK (Adobe transform 0 or none) or YCCK (transform 2) samples to RGB. Adobe applications write the ink
     * values inverted (0 = full ink), which is what any JPEG with an Adobe segment is taken to hold.
     */
    static Rgb8Image cmyk(Raster raster, int adobeTransform) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int x0 = raster.getMinX();
        int y0 = raster.getMinY();
        boolean inverted = adobeTransform >= 0;
        boolean ycck = adobeTransform == 2;
        byte[] rgb = new byte[3 * w * h];
        int[] row = new int[4 * w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(x0, y0 + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int s = 4 * x;
                double c = row[s];
                double m = row[s + 1];
                double ye = row[s + 2];
                double k = row[s + 3];
                if (ycck) { // YCbCr of (255 - C, 255 - M, 255 - Y) as stored
                    double yy = c;
                    double cb = m - 128;
                    double cr = ye - 128;
                    c = 255 - clamp(yy + 1.402 * cr);
                    m = 255 - clamp(yy - 0.344136 * cb - 0.714136 * cr);
                    ye = 255 - clamp(yy + 1.772 * cb);
                }
                if (!inverted) {
                    c = 255 - c;
                    m = 255 - m;
                    ye = 255 - ye;
                    k = 255 - k;
                }
                // Now c, m, ye, k are 255 - ink: RGB = (1 - C)(1 - K).
                int o = 3 * (y * w + x);
                rgb[o] = (byte) (int) Math.round(c * k / 255.0);
                rgb[o + 1] = (byte) (int) Math.round(m * k / 255.0);
                rgb[o + 2] = (byte) (int) Math.round(ye * k / 255.0);
            }
        }
        return Rgb8Image.opaque(w, h, rgb);
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    /** The ICC profile of a PNG's iCCP chunk, or null when it has none (or it cannot be read). */
    private static ICC_Profile pngProfile(IIOMetadata metadata) {
        try {
            if (metadata == null) {
                return null;
            }
            Node root = metadata.getAsTree("javax_imageio_png_1.0");
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n.getNodeName().equals("iCCP") && n instanceof IIOMetadataNode node
                        && node.getUserObject() instanceof byte[] compressed) {
                    Inflater inflater = new Inflater();
                    try {
                        inflater.setInput(compressed);
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        byte[] buf = new byte[8192];
                        while (!inflater.finished()) {
                            int k = inflater.inflate(buf);
                            if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                                break;
                            }
                            out.write(buf, 0, k);
                            if (out.size() > 16 << 20) {
                                return null;
                            }
                        }
                        return ICC_Profile.getInstance(out.toByteArray());
                    } finally {
                        inflater.end();
                    }
                }
            }
            return null;
        } catch (RuntimeException | DataFormatException e) {
            return null; // a damaged profile is ignored, as browsers do
        }
    }

    /** Any decoded BufferedImage to 8-bit sRGB with straight alpha. */
    static Rgb8Image convert(BufferedImage image, ICC_Profile embedded) {
        if (image.getColorModel().isAlphaPremultiplied()) {
            image.coerceData(false);
        }
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel) {
            return fromArgb(image);
        }
        ColorSpace cs = cm.getColorSpace();
        if (embedded != null && embedded.getColorSpaceType() == cs.getType() && !isSrgb(embedded)
                && cs.getType() == ColorSpace.TYPE_RGB) {
            // A PNG's iCCP profile is not applied by ImageIO: describe the samples with it, then convert.
            image = withColorSpace(image, new ICC_ColorSpace(embedded));
            cm = image.getColorModel();
            cs = cm.getColorSpace();
        }
        if (cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
            return gray(image.getRaster(), cm);
        }
        if (cs.getType() == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3
                && (cs.isCS_sRGB() || (cs instanceof ICC_ColorSpace ics && isSrgb(ics.getProfile())))) {
            if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB) {
                return fromArgb(image);
            }
            return samples(image.getRaster(), cm);
        }
        // Some other colour space (an embedded ICC profile, linear RGB, ...): convert to sRGB.
        BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(),
                cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        new ColorConvertOp(null).filter(image, srgb);
        return fromArgb(srgb);
    }

    private static BufferedImage withColorSpace(BufferedImage image, ColorSpace cs) {
        ColorModel old = image.getColorModel();
        if (!(old instanceof ComponentColorModel)) {
            return image;
        }
        ColorModel cm = new ComponentColorModel(cs, old.getComponentSize(), old.hasAlpha(), false,
                old.getTransparency(), old.getTransferType());
        WritableRaster raster = image.getRaster();
        if (!cm.isCompatibleRaster(raster)) {
            return image;
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /**
     * Whether an RGB profile behaves as sRGB: a few test colours map to themselves within half a step. (Embedded
     * sRGB profiles differ byte for byte, and descriptions cannot be trusted: "Linear sRGB" is not sRGB.)
     */
    static boolean isSrgb(ICC_Profile profile) {
        if (profile == ICC_Profile.getInstance(ColorSpace.CS_sRGB)) {
            return true;
        }
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
            return false;
        }
        try {
            ICC_ColorSpace cs = new ICC_ColorSpace(profile);
            float[][] probes = {{0.1f, 0.1f, 0.1f}, {0.5f, 0.5f, 0.5f}, {0.9f, 0.9f, 0.9f}, {0.8f, 0.2f, 0.1f},
                {0.1f, 0.7f, 0.3f}, {0.2f, 0.3f, 0.9f}};
            for (float[] probe : probes) {
                float[] rgb = cs.toRGB(probe);
                for (int c = 0; c < 3; c++) {
                    if (Math.abs(rgb[c] - probe[c]) > 0.5f / 255f + 0.004f) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Rgb8Image fromArgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean alpha = image.getColorModel().hasAlpha();
        byte[] rgb = new byte[3 * w * h];
        byte[] a = alpha ? new byte[w * h] : null;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int v = row[x];
                rgb[3 * p] = (byte) (v >> 16);
                rgb[3 * p + 1] = (byte) (v >> 8);
                rgb[3 * p + 2] = (byte) v;
                if (a != null) {
                    a[p] = (byte) (v >>> 24);
                }
            }
        }
        return new Rgb8Image(w, h, rgb, a);
    }

    /** Samples of a 3- or 4-band sRGB raster of any bit depth, scaled to 8 bits. */
    private static Rgb8Image samples(Raster raster, ColorModel cm) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha() && bands >= 4;
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
        }
        byte[] rgb = new byte[3 * w * h];
        byte[] a = alpha ? new byte[w * h] : null;
        int[] row = new int[bands * w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int s = bands * x;
                rgb[3 * p] = to8(row[s], max[0]);
                rgb[3 * p + 1] = to8(row[s + 1], max[1]);
                rgb[3 * p + 2] = to8(row[s + 2], max[2]);
                if (a != null) {
                    byte v = to8(row[s + 3], max[3]);
                    a[p] = v;
                }
            }
        }
        return new Rgb8Image(w, h, rgb, a);
    }

    /** Gray or gray + alpha of any bit depth. The samples are taken as sRGB-encoded grey, as in the file. */
    private static Rgb8Image gray(Raster raster, ColorModel cm) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha() && bands >= 2;
        int max0 = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
        int max1 = alpha ? (1 << raster.getSampleModel().getSampleSize(1)) - 1 : 1;
        byte[] rgb = new byte[3 * w * h];
        byte[] a = alpha ? new byte[w * h] : null;
        int[] row = new int[bands * w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                byte g = to8(row[bands * x], max0);
                rgb[3 * p] = g;
                rgb[3 * p + 1] = g;
                rgb[3 * p + 2] = g;
                if (a != null) {
                    byte v = to8(row[bands * x + 1], max1);
                    a[p] = v;
                }
            }
        }
        return new Rgb8Image(w, h, rgb, a);
    }

    private static byte to8(int v, int max) {
        if (max == 255) {
            return (byte) v;
        }
        return (byte) (int) ((v * 255L + max / 2) / max);
    }

}
