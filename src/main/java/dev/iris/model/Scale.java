package dev.iris.model;

/**
 * How much smaller an asset's LR is than its original, horizontally ({@code x}) and vertically ({@code y}): the
 * original's width over the LR's, and the same for heights. Fixed-scale models make (2, 2) or (4, 4); the
 * arbitrary-scale family any pair in its range.
 */
public record Scale(double x, double y) {
    /** The smallest scale iris makes assets at: an LR must be noticeably smaller than its original to be worth it. */
    public static final double MIN = 1.1;
    /** The largest, on either axis: the LR keeps at least a quarter of each side. */
    public static final double MAX = 4;

    public Scale {
        if (!(x > 0) || !(y > 0) || !Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("scales must be positive and finite, got " + x + ", " + y);
        }
    }

    /** The same factor on both axes. */
    public static Scale uniform(double s) {
        return new Scale(s, s);
    }

    /** The integer factor when both axes share one, else 0. */
    public int integer() {
        return x == y && x == Math.rint(x) && x <= Integer.MAX_VALUE ? (int) x : 0;
    }

    /** Whether each axis lies in {@code [min, max]}. */
    public boolean within(double min, double max) {
        return x >= min && x <= max && y >= min && y <= max;
    }

    /** "2", "2.5" or "1.5,3": as a scale is typed (to six decimals). */
    @Override
    public String toString() {
        return x == y ? text(x) : text(x) + "," + text(y);
    }

    /** At most six decimals: a ratio of sizes such as 256 / 171 would print seventeen. */
    private static String text(double v) {
        return new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                .toPlainString();
    }
}
