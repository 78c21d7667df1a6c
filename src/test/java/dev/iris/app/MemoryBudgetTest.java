package dev.iris.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory budget's terms, from the configuration. */
class MemoryBudgetTest {
    @Test
    void of_reservesLibwebpsNativeMemoryForTheLargestLr_onlyWhenLrsAreWebp() {
        MemoryBudget webp = MemoryBudget.of(config(Map.of("limits.maxSourceMegapixels", "40")));
        assertEquals(36L * 10_000_000, webp.lrEncodeBytes()); // the x2 LR of a 40 MP source: 10 MP
        MemoryBudget png = MemoryBudget.of(config(Map.of("assets.lrCodec", "png")));
        assertEquals(0, png.lrEncodeBytes());
    }

    @Test
    void problems_countTheLrEncodingInWhatIsNeeded() {
        long available = (3L << 30) - (1L << 20); // 3071 MiB
        MemoryBudget tight = new MemoryBudget(1L << 30, 256L << 20, 1L << 30, 512L << 20, available);
        assertEquals(1, tight.problems().size(), tight.problems().toString());
        assertTrue(tight.problems().getFirst().startsWith("heap 1024 MiB + model runs 1024 MiB + LR encoding 512 MiB"
                + " + JVM and sessions 512 MiB = 3072 MiB"), tight.problems().getFirst());
        MemoryBudget roomy = new MemoryBudget(1L << 30, 256L << 20, 1L << 30, 511L << 20, available);
        assertEquals(0, roomy.problems().size(), roomy.problems().toString());
    }

    private static IrisConfig config(Map<String, String> overrides) {
        return ConfigLoader.load(Optional.empty(), overrides, Path.of(""));
    }
}
