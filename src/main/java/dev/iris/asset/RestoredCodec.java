package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The restored tier's lossless file format: a 20-byte header (magic {@code IRHR}, format 1, flags with bit 0 for
 * an alpha plane, two reserved bytes, then width, height and the CRC-32 of the pixels as big-endian ints), then the
 * RGB rows and the alpha rows, each byte stored as its difference from the same channel one pixel to the left (PNG's
 * "Sub" filter), deflated at the fastest level. Stateless.
 *
 * <p>Why not PNG: the tier writes a full-size image after every cold restore, and PNG through ImageIO spends
 * seconds on a large image where the fastest deflate over one filter spends a fraction of that; the bytes never
 * leave iris, so a standard format buys nothing. Reading checks the size against the asset's metadata before
 * allocating anything and the CRC after, so a torn or foreign object is refused, never served.
 */
final class RestoredCodec {
    private static final int MAGIC = 0x49524852; // "IRHR"
    private static final int FORMAT = 1;

    private RestoredCodec() {}

    /** Bytes that are not a restored image of the size expected: to be deleted, not retried. */
    static final class Corrupt extends IOException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message);
        }
    }

    static byte[] encode(Rgb8Image image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.rgb().length / 2 + 64);
        try {
            CRC32 crc = new CRC32();
            crc.update(image.rgb());
            if (image.hasAlpha()) {
                crc.update(image.alpha());
            }
            DataOutputStream header = new DataOutputStream(bytes);
            header.writeInt(MAGIC);
            header.writeByte(FORMAT);
            header.writeByte(image.hasAlpha() ? 1 : 0);
            header.writeShort(0);
            header.writeInt(image.width());
            header.writeInt(image.height());
            header.writeInt((int) crc.getValue());
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            try (OutputStream out = new DeflaterOutputStream(bytes, deflater, 1 << 16)) {
                writeFiltered(out, image.rgb(), image.width(), image.height(), 3);
                if (image.hasAlpha()) {
                    writeFiltered(out, image.alpha(), image.width(), image.height(), 1);
                }
            } finally {
                deflater.end();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The image in {@code in}, which must be {@code width} x {@code height} with an alpha plane exactly when
     * {@code alpha}.
     *
     * @throws Corrupt     if it is not such an image in this format, or its pixels do not match their CRC
     * @throws IOException if reading fails
     */
    static Rgb8Image decode(InputStream in, int width, int height, boolean alpha) throws IOException {
        DataInputStream header = new DataInputStream(in);
        if (header.readInt() != MAGIC || header.readUnsignedByte() != FORMAT) {
            throw new Corrupt("not a restored image of format " + FORMAT);
        }
        boolean hasAlpha = (header.readUnsignedByte() & 1) != 0;
        header.readShort();
        int w = header.readInt();
        int h = header.readInt();
        int expectedCrc = header.readInt();
        if (w != width || h != height || hasAlpha != alpha) {
            throw new Corrupt("restored image is " + w + "x" + h + (hasAlpha ? " with" : " without")
                    + " alpha, expected " + width + "x" + height + (alpha ? " with" : " without") + " alpha");
        }
        Inflater inflater = new Inflater();
        try (InputStream pixels = new InflaterInputStream(in, inflater, 1 << 16)) {
            byte[] rgb = readFiltered(pixels, width, height, 3);
            byte[] plane = alpha ? readFiltered(pixels, width, height, 1) : null;
            if (pixels.read() != -1) {
                throw new Corrupt("restored image has bytes past its pixels");
            }
            CRC32 crc = new CRC32();
            crc.update(rgb);
            if (plane != null) {
                crc.update(plane);
            }
            if ((int) crc.getValue() != expectedCrc) {
                throw new Corrupt("restored image fails its CRC");
            }
            return new Rgb8Image(width, height, rgb, plane);
        } finally {
            inflater.end();
        }
    }

    private static void writeFiltered(OutputStream out, byte[] data, int width, int height, int channels)
            throws IOException {
        int stride = width * channels;
        byte[] row = new byte[stride];
        for (int y = 0; y < height; y++) {
            int base = y * stride;
            System.arraycopy(data, base, row, 0, channels);
            for (int i = channels; i < stride; i++) {
                row[i] = (byte) (data[base + i] - data[base + i - channels]);
            }
            out.write(row);
        }
    }

    private static byte[] readFiltered(InputStream in, int width, int height, int channels) throws IOException {
        int stride = width * channels;
        byte[] data = new byte[Math.multiplyExact(stride, height)];
        for (int y = 0; y < height; y++) {
            int base = y * stride;
            if (in.readNBytes(data, base, stride) != stride) {
                throw new Corrupt("restored image ends early, in row " + y);
            }
            for (int i = channels; i < stride; i++) {
                data[base + i] += data[base + i - channels];
            }
        }
        return data;
    }
}
