package dev.iris.image;

/** Reads the EXIF orientation of a JPEG from its APP1 segment and applies it to decoded pixels. */
final class Exif {
    private Exif() {}

    /** The orientation tag (1..8) of a JPEG's IFD0, or 1 when absent or unreadable. Never throws. */
    static int orientation(byte[] jpeg) {
        try {
            return readOrientation(jpeg);
        } catch (RuntimeException e) {
            return 1;
        }
    }

    private static int readOrientation(byte[] d) {
        int[] seg = segment(d, 0xE1, new byte[] {'E', 'x', 'i', 'f', 0, 0});
        return seg == null ? 1 : tiffOrientation(d, seg[0] + 6, seg[1]);
    }

    /**
     * The transform flag of a JPEG's Adobe APP14 segment (0 unknown/CMYK, 1 YCbCr, 2 YCCK), or -1 when there is
     * none. Never throws.
     */
    static int adobeTransform(byte[] d) {
        try {
            int[] seg = segment(d, 0xEE, new byte[] {'A', 'd', 'o', 'b', 'e'});
            if (seg == null || seg[1] - seg[0] < 12) {
                return -1;
            }
            return d[seg[0] + 11] & 0xFF;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** {start, end} of the payload of the first {@code marker} segment whose payload starts with {@code prefix}. */
    private static int[] segment(byte[] d, int wanted, byte[] prefix) {
        if (d.length < 4 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
            return null;
        }
        int p = 2;
        while (p + 4 <= d.length) {
            if ((d[p] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = d[p + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                p++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                p += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan or end: no more metadata
                return null;
            }
            int len = u16(d, p + 2, false);
            if (len < 2 || p + 2 + len > d.length) {
                return null;
            }
            int seg = p + 4;
            int segEnd = p + 2 + len;
            if (marker == wanted && segEnd - seg >= prefix.length) {
                boolean match = true;
                for (int i = 0; i < prefix.length && match; i++) {
                    match = d[seg + i] == prefix[i];
                }
                if (match) {
                    return new int[] {seg, segEnd};
                }
            }
            p = segEnd;
        }
        return null;
    }

    private static int tiffOrientation(byte[] d, int tiff, int end) {
        if (end - tiff < 8) {
            return 1;
        }
        boolean little;
        if (d[tiff] == 'I' && d[tiff + 1] == 'I') {
            little = true;
        } else if (d[tiff] == 'M' && d[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(d, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(d, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int p = (int) (tiff + ifd);
        int entries = u16(d, p, little);
        p += 2;
        for (int i = 0; i < entries && p + 12 <= end; i++, p += 12) {
            int tag = u16(d, p, little);
            if (tag == 0x0112) {
                int type = u16(d, p + 2, little);
                int value;
                if (type == 3) { // SHORT, stored in the first two bytes of the value field
                    value = u16(d, p + 8, little);
                } else if (type == 4) { // LONG, tolerated
                    value = (int) u32(d, p + 8, little);
                } else if (type == 1) { // BYTE, tolerated
                    value = d[p + 8] & 0xFF;
                } else {
                    return 1;
                }
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] d, int p, boolean little) {
        int a = d[p] & 0xFF;
        int b = d[p + 1] & 0xFF;
        return little ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] d, int p, boolean little) {
        long a = u16(d, p, little);
        long b = u16(d, p + 2, little);
        return little ? a | b << 16 : a << 16 | b;
    }

    /** {@code image} turned upright for EXIF {@code orientation} 1..8. */
    static Rgb8Image apply(Rgb8Image image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = image.rgb();
        byte[] srcA = image.alpha();
        byte[] rgb = new byte[src.length];
        byte[] a = srcA == null ? null : new byte[srcA.length];
        int o = 0;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, o++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - ox; sy = oy; }
                    case 3 -> { sx = w - 1 - ox; sy = h - 1 - oy; }
                    case 4 -> { sx = ox; sy = h - 1 - oy; }
                    case 5 -> { sx = oy; sy = ox; }
                    case 6 -> { sx = oy; sy = h - 1 - ox; }
                    case 7 -> { sx = w - 1 - oy; sy = h - 1 - ox; }
                    default -> { sx = w - 1 - oy; sy = ox; } // 8
                }
                int s = sy * w + sx;
                rgb[3 * o] = src[3 * s];
                rgb[3 * o + 1] = src[3 * s + 1];
                rgb[3 * o + 2] = src[3 * s + 2];
                if (a != null) {
                    a[o] = srcA[s];
                }
            }
        }
        return new Rgb8Image(ow, oh, rgb, a);
    }
}
