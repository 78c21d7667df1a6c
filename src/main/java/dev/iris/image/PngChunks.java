package dev.iris.image;

import java.util.zip.CRC32;

/**
 * Checks a PNG's chunk structure and every chunk's CRC before it is decoded. ImageIO's reader ignores CRCs, so a
 * damaged file (a flipped bit in IHDR, say) would otherwise be accepted and stored as if it were sound. Stateless.
 */
final class PngChunks {
    private static final int SIGNATURE = 8;

    private PngChunks() {}

    /** @throws ImageException naming the first chunk that is cut short or fails its CRC */
    static void verify(byte[] png) {
        int at = SIGNATURE;
        boolean sawEnd = false;
        while (!sawEnd) {
            if (png.length - at < 12) {
                throw new ImageException("damaged PNG: it ends inside a chunk header");
            }
            long length = readInt(png, at) & 0xFFFF_FFFFL;
            String type = new String(png, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (length > png.length - at - 12L) {
                throw new ImageException("damaged PNG: chunk " + printable(type) + " runs past the end of the file");
            }
            CRC32 crc = new CRC32();
            crc.update(png, at + 4, 4 + (int) length);
            if ((int) crc.getValue() != readInt(png, at + 8 + (int) length)) {
                throw new ImageException("damaged PNG: chunk " + printable(type) + " fails its CRC check");
            }
            sawEnd = type.equals("IEND");
            at += 12 + (int) length;
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** The chunk type as text a reason line can quote (damaged types may hold any byte). */
    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 'A' && c <= 'z' && Character.isLetter(c)) ? type : "with a damaged type";
    }
}
