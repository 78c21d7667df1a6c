package dev.iris.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Regenerates the fixtures under src/test/resources/fixtures (not a test; run by hand):
 *
 * <pre>
 * mvn -q test-compile && java -cp target/classes:target/test-classes dev.iris.image.FixtureMaker \
 *     src/test/resources/fixtures
 * </pre>
 *
 * Needs ImageMagick's {@code convert} (apt-get install imagemagick) and the Debian wallpaper packages
 * lomiri-wallpapers-20.04 and mate-backgrounds for the two photographs (licences in {@link Fixtures}).
 */
public final class FixtureMaker {
    static final String KLEIBER = "/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg";
    static final String LADYBIRD = "/usr/share/backgrounds/mate/nature/LadyBird.jpg";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixtures");
        Files.createDirectories(dir.resolve("quality"));
        // Photographs: scaled and centre-cropped by ImageMagick to small sizes.
        magick(KLEIBER, "-resize", "256x192^", "-gravity", "center", "-extent", "256x192", "-strip",
                dir.resolve("photo.png").toString());
        magick(LADYBIRD, "-resize", "160x100^", "-gravity", "center", "-extent", "160x100", "-strip",
                dir.resolve("ladybird.png").toString());
        magick(dir.resolve("photo.png").toString(), "-quality", "92", "-sampling-factor", "4:2:0",
                dir.resolve("photo.jpg").toString());
        BufferedImage photo = ImageIO.read(dir.resolve("photo.png").toFile());
        int w = photo.getWidth();
        int h = photo.getHeight();

        // Orientation: an asymmetric 48x32 picture, stored turned so that each EXIF orientation shows it upright.
        BufferedImage upright = orientationTarget();
        for (int o = 1; o <= 8; o++) {
            BufferedImage stored = storedFor(upright, o);
            byte[] jpeg = jpeg(stored);
            Files.write(dir.resolve("orient-" + o + ".jpg"), withExif(jpeg, o, o % 2 == 0));
        }

        // Grayscale (8 bit), gray + alpha, 16-bit RGB, RGBA and palette PNGs from the photo.
        BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster gr = gray.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = photo.getRGB(x, y);
                gr.setSample(x, y, 0, luma(p));
            }
        }
        ImageIO.write(gray, "png", dir.resolve("gray.png").toFile());

        ComponentColorModel gaModel = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true,
                false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster ga = gaModel.createCompatibleWritableRaster(64, 48);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                ga.setSample(x, y, 0, x * 4);
                ga.setSample(x, y, 1, y < 24 ? 255 : 128);
            }
        }
        ImageIO.write(new BufferedImage(gaModel, ga, false, null), "png", dir.resolve("gray-alpha.png").toFile());

        ComponentColorModel rgb16Model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r16 = rgb16Model.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = photo.getRGB(x, y);
                // 8-bit value v becomes v * 257 plus a low-byte wobble that must round away.
                r16.setSample(x, y, 0, ((p >> 16) & 0xFF) * 257);
                r16.setSample(x, y, 1, ((p >> 8) & 0xFF) * 257);
                r16.setSample(x, y, 2, (p & 0xFF) * 257);
            }
        }
        ImageIO.write(new BufferedImage(rgb16Model, r16, false, null), "png", dir.resolve("rgb16.png").toFile());

        BufferedImage rgba = new BufferedImage(64, 48, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int a = x < 32 ? 255 : (y < 24 ? 0 : 100);
                rgba.setRGB(x, y, a << 24 | (x * 4) << 16 | (y * 5) << 8 | 0x40);
            }
        }
        ImageIO.write(rgba, "png", dir.resolve("rgba.png").toFile());

        byte[] pr = {(byte) 255, 0, 0, (byte) 255};
        byte[] pg = {0, (byte) 255, 0, (byte) 255};
        byte[] pb = {0, 0, (byte) 255, (byte) 255};
        byte[] pa = {(byte) 255, (byte) 255, (byte) 255, 0};
        IndexColorModel palette = new IndexColorModel(2, 4, pr, pg, pb, pa);
        BufferedImage indexed = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                indexed.getRaster().setSample(x, y, 0, (x / 16) + 2 * (y / 16)); // quadrants R G / B clear
            }
        }
        ImageIO.write(indexed, "png", dir.resolve("palette.png").toFile());

        // CMYK JPEG (ImageMagick writes Adobe-style inverted CMYK) and images with a non-sRGB ICC profile.
        magick(dir.resolve("photo.png").toString(), "-colorspace", "CMYK", "-quality", "95",
                dir.resolve("cmyk.jpg").toString());
        // Plain (not inverted, no Adobe segment) CMYK written by the JDK from a naive RGB to CMYK conversion.
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = photo.getRGB(x, y);
                double r = ((p >> 16) & 0xFF) / 255.0;
                double g = ((p >> 8) & 0xFF) / 255.0;
                double b = (p & 0xFF) / 255.0;
                double k = 1 - Math.max(r, Math.max(g, b));
                double d = k >= 1 ? 1 : 1 - k;
                cmyk.setSample(x, y, 0, (int) Math.round(255 * (1 - r - k) / d));
                cmyk.setSample(x, y, 1, (int) Math.round(255 * (1 - g - k) / d));
                cmyk.setSample(x, y, 2, (int) Math.round(255 * (1 - b - k) / d));
                cmyk.setSample(x, y, 3, (int) Math.round(255 * k));
            }
        }
        ByteArrayOutputStream cmykOut = new ByteArrayOutputStream();
        var cmykWriter = ImageIO.getImageWritersByFormatName("jpeg").next();
        var cmykParam = cmykWriter.getDefaultWriteParam();
        cmykParam.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        cmykParam.setCompressionQuality(0.95f);
        try (var ios = ImageIO.createImageOutputStream(cmykOut)) {
            cmykWriter.setOutput(ios);
            cmykWriter.write(null, new javax.imageio.IIOImage(cmyk, null, null), cmykParam);
        }
        cmykWriter.dispose();
        Files.write(dir.resolve("cmyk-plain.jpg"), cmykOut.toByteArray());

        Path srgbIcc = Files.createTempFile("srgb", ".icc");
        Path linearIcc = Files.createTempFile("linear", ".icc");
        Files.write(srgbIcc, ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        Files.write(linearIcc, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
        magick(dir.resolve("photo.png").toString(), "-profile", srgbIcc.toString(), "-profile",
                linearIcc.toString(), dir.resolve("icc-linear.png").toString());
        magick(dir.resolve("photo.png").toString(), "-profile", srgbIcc.toString(), "-profile",
                linearIcc.toString(), "-quality", "95", dir.resolve("icc-linear.jpg").toString());
        Files.delete(srgbIcc);
        Files.delete(linearIcc);

        // Bad inputs.
        byte[] photoJpeg = Files.readAllBytes(dir.resolve("photo.jpg"));
        Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(photoJpeg, photoJpeg.length * 6 / 10));
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Files.writeString(dir.resolve("text.jpg"), "This is not a picture, only text with a .jpg name.\n");
        Files.write(dir.resolve("huge-header.png"), pngClaiming(100_000, 100_000));

        // Quality pairs (lossless PNG so that Python and Java read identical pixels).
        magick(dir.resolve("photo.png").toString(), "-quality", "30", "/tmp/iris-q30.jpg");
        magick("/tmp/iris-q30.jpg", dir.resolve("quality/photo-jpeg30.png").toString());
        magick(dir.resolve("photo.png").toString(), "-blur", "0x1.2", dir.resolve("quality/photo-blur.png").toString());
        magick(dir.resolve("ladybird.png").toString(), "-crop", "101x77+20+10", "+repage",
                dir.resolve("quality/ladybird-crop.png").toString());
        magick(dir.resolve("quality/ladybird-crop.png").toString(), "-attenuate", "0.6", "-seed", "7", "+noise",
                "Gaussian", dir.resolve("quality/ladybird-noisy.png").toString());
        Files.deleteIfExists(Path.of("/tmp/iris-q30.jpg"));
    }

    static int luma(int argb) {
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        return (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }

    /** 48x32: red top-left, green top-right, blue bottom-left 12x10 blocks on a mid-grey field. */
    static BufferedImage orientationTarget() {
        BufferedImage img = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                int c = 0x808080;
                if (x < 12 && y < 10) {
                    c = 0xFF0000;
                } else if (x >= 36 && y < 10) {
                    c = 0x00FF00;
                } else if (x < 12 && y >= 22) {
                    c = 0x0000FF;
                }
                img.setRGB(x, y, c);
            }
        }
        return img;
    }

    /**
     * The picture as a camera would store it for EXIF orientation {@code o}: the stored pixel that a viewer puts
     * at display position (dx, dy). Orientation 6 means "rotate 90 degrees clockwise to view", so the stored
     * image is the upright one turned 90 degrees counter-clockwise, and so on (EXIF 2.3, tag 0x0112).
     */
    static BufferedImage storedFor(BufferedImage upright, int o) {
        int dw = upright.getWidth();
        int dh = upright.getHeight();
        boolean swap = o >= 5;
        int sw = swap ? dh : dw;
        int sh = swap ? dw : dh;
        BufferedImage stored = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        for (int sy = 0; sy < sh; sy++) {
            for (int sx = 0; sx < sw; sx++) {
                // EXIF: row 0 / column 0 of the stored image are shown at these sides of the display.
                int dx;
                int dy;
                switch (o) {
                    case 1 -> { dx = sx; dy = sy; }
                    case 2 -> { dx = dw - 1 - sx; dy = sy; }            // row 0 top, column 0 right
                    case 3 -> { dx = dw - 1 - sx; dy = dh - 1 - sy; }   // row 0 bottom, column 0 right
                    case 4 -> { dx = sx; dy = dh - 1 - sy; }            // row 0 bottom, column 0 left
                    case 5 -> { dx = sy; dy = sx; }                     // row 0 left, column 0 top
                    case 6 -> { dx = dw - 1 - sy; dy = sx; }            // row 0 right, column 0 top
                    case 7 -> { dx = dw - 1 - sy; dy = dh - 1 - sx; }   // row 0 right, column 0 bottom
                    default -> { dx = sy; dy = dh - 1 - sx; }           // 8: row 0 left, column 0 bottom
                }
                stored.setRGB(sx, sy, upright.getRGB(dx, dy));
            }
        }
        return stored;
    }

    static byte[] jpeg(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    /** {@code jpeg} with an APP1 Exif segment (IFD0 holding only the orientation) right after SOI. */
    static byte[] withExif(byte[] jpeg, int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
        tiff.order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no next IFD
        byte[] t = tiff.array();
        int len = 2 + 6 + t.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(t);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A well-formed PNG whose IHDR claims {@code w x h} RGB pixels but holds almost no data. */
    static byte[] pngClaiming(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[1024]);
        deflater.finish();
        byte[] buf = new byte[2048];
        int n = deflater.deflate(buf);
        deflater.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void magick(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "convert";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("convert failed: " + String.join(" ", cmd));
        }
    }
}
