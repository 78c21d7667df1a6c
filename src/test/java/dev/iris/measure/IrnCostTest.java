package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The counting formula, checked through the parameter counts it also yields against known IRN sizes. */
class IrnCostTest {
    @Test
    void parameterCountsMatchKnownNetworks() {
        assertEquals(1_667_952, IrnCost.count(List.of(8), 32, -1).params()); // official IRN x2 (models/train)
        assertEquals(4_355_136, IrnCost.count(List.of(8, 8), 32, -1).params()); // official IRN x4
        assertEquals(77_256, IrnCost.count(List.of(1, 1), 8, -1).params()); // the smoke test model's model.json
    }

    @Test
    void macsOfOneX2BlockAreCountedPerQuarterResolutionPixel() {
        // x2, one block, gc 16: each dense block here has 9 * 2331 MACs per LR pixel (F: 9->3, G and H: 3->9),
        // an LR pixel is 4 HR pixels, plus the inverse Haar's 4 MACs per HR value of 3 channels.
        double expected = 3 * 9 * 2331 / 4.0 + 4 * 3;
        assertEquals(expected, IrnCost.count(List.of(1), 16, -1).macsPerHrPixel(), 1e-9);
    }
}
