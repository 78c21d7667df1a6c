package dev.iris.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QualityTest {

    /** One row of quality/reference.json, written by quality/reference.py (numpy). */
    record Reference(String reference, String test, int border, double psnrY, double psnrRgb, double ssimY) {}

    static List<Reference> references() {
        String json = new String(Fixtures.bytes(Fixtures.Q_REFERENCE_JSON), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\{\\s*\"reference\": \"([^\"]+)\",\\s*\"test\": \"([^\"]+)\",\\s*"
                + "\"border\": (\\d+),\\s*\"psnrY\": ([-0-9.eE]+),\\s*\"psnrRgb\": ([-0-9.eE]+),\\s*"
                + "\"ssimY\": ([-0-9.eE]+)\\s*}").matcher(json);
        List<Reference> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(new Reference(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6))));
        }
        return rows;
    }

    private static Rgb8Image load(String relativeToQuality) {
        String name = relativeToQuality.startsWith("../") ? relativeToQuality.substring(3) : "quality/" + relativeToQuality;
        return Fixtures.image(name);
    }

    @Test
    void psnrY_matchesNumpyReference() {
        List<Reference> rows = references();
        assertEquals(6, rows.size());
        for (Reference r : rows) {
            assertEquals(r.psnrY(), Quality.psnrY(load(r.reference()), load(r.test()), r.border()), 0.01, r.toString());
        }
    }

    @Test
    void psnrRgb_matchesNumpyReference() {
        for (Reference r : references()) {
            assertEquals(r.psnrRgb(), Quality.psnrRgb(load(r.reference()), load(r.test()), r.border()), 0.01,
                    r.toString());
        }
    }

    @Test
    void ssimY_matchesNumpyReference() {
        for (Reference r : references()) {
            assertEquals(r.ssimY(), Quality.ssimY(load(r.reference()), load(r.test()), r.border()), 1e-4, r.toString());
        }
    }

    @Test
    void psnr_identicalImages_isInfinite() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        assertEquals(Double.POSITIVE_INFINITY, Quality.psnrY(photo, photo, 0));
        assertEquals(Double.POSITIVE_INFINITY, Quality.psnrRgb(photo, photo, 4));
        assertEquals(1.0, Quality.ssimY(photo, photo, 0), 1e-12);
    }

    @Test
    void psnrRgb_knownError_givesFormulaValue() {
        Rgb8Image a = Fixtures.synthetic(10, 10, (x, y) -> 0x646464);
        Rgb8Image b = Fixtures.synthetic(10, 10, (x, y) -> 0x6E6464); // red off by 10: MSE 100 / 3
        assertEquals(10 * Math.log10(255.0 * 255.0 * 3 / 100), Quality.psnrRgb(a, b, 0), 1e-9);
        // Y differs by 65.481 * 10 / 255 everywhere
        double dy = 65.481 * 10 / 255;
        assertEquals(10 * Math.log10(255.0 * 255.0 / (dy * dy)), Quality.psnrY(a, b, 2), 1e-9);
    }

    @Test
    void psnr_borderIgnoresEdges() {
        Rgb8Image a = Fixtures.synthetic(10, 10, (x, y) -> 0);
        Rgb8Image b = Fixtures.synthetic(10, 10, (x, y) -> x == 0 || y == 9 ? 0xFFFFFF : 0);
        assertTrue(Quality.psnrRgb(a, b, 0) < 20);
        assertEquals(Double.POSITIVE_INFINITY, Quality.psnrRgb(a, b, 1));
    }

    @Test
    void ssimY_moreDamage_lowerScore() {
        Rgb8Image photo = Fixtures.image(Fixtures.PHOTO_PNG);
        double jpeg = Quality.ssimY(photo, Fixtures.image(Fixtures.Q_PHOTO_JPEG30), 0);
        double blur = Quality.ssimY(photo, Fixtures.image(Fixtures.Q_PHOTO_BLUR), 0);
        assertTrue(jpeg < 1 && blur < jpeg, jpeg + " " + blur);
    }

    @Test
    void metrics_sizeMismatchOrTooLargeBorder_throw() {
        Rgb8Image a = Fixtures.synthetic(20, 20, (x, y) -> 0);
        Rgb8Image b = Fixtures.synthetic(20, 21, (x, y) -> 0);
        assertThrows(IllegalArgumentException.class, () -> Quality.psnrY(a, b, 0));
        assertThrows(IllegalArgumentException.class, () -> Quality.psnrRgb(a, b, 0));
        assertThrows(IllegalArgumentException.class, () -> Quality.ssimY(a, b, 0));
        assertThrows(IllegalArgumentException.class, () -> Quality.psnrY(a, a, 10));
        assertThrows(IllegalArgumentException.class, () -> Quality.psnrY(a, a, -1));
        assertThrows(IllegalArgumentException.class, () -> Quality.ssimY(a, a, 5)); // 10x10 left, window 11
    }
}
