package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iris eval --model iarn-small}: the arbitrary-scale model against the baselines at every scale issue 13
 * names, through the shipped packs, on one small centre crop (the real evaluation uses 384).
 */
class ScaleEvalCommandTest {
    @Test
    void arbitraryScaleModel_isMeasuredAtEveryScaleAgainstEveryBaseline(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        Files.copy(Path.of("models/eval/ColorfulCups.png"), images.resolve("cups.png"));
        Path out = tmp.resolve("out");
        assertEquals(0, Main.run(new String[] {"eval", images.toString(), "--model", "iarn-small", "--crop", "64",
                "--out", out.toString()}));

        List<String[]> rows = Files.readAllLines(out.resolve("eval-iarn-small.csv")).stream().skip(1)
                .map(l -> l.split(",")).toList();
        List<String> methods = List.of(ScaleEvaluation.BICUBIC, ScaleEvaluation.BASELINE, ScaleEvaluation.NEAREST,
                "iarn-small");
        assertEquals(ScaleEvaluation.SCALES.size() * methods.size(), rows.size());
        Map<String, Map<String, Double>> byScale = rows.stream().collect(Collectors.groupingBy(
                r -> r[1] + "," + r[2], Collectors.toMap(r -> r[3], r -> Double.parseDouble(r[4]))));
        assertEquals(ScaleEvaluation.SCALES.size(), byScale.size());
        byScale.forEach((scale, psnr) -> {
            assertEquals(methods, methods.stream().filter(psnr::containsKey).toList(), scale);
            assertTrue(psnr.get("iarn-small") > psnr.get(ScaleEvaluation.BICUBIC) + 1, scale + ": " + psnr);
        });
        // At x4 the nearest fixed scale is the x4 core itself; at x2 it is the x2 model, which beats the x4 core.
        Map<String, Double> x4 = byScale.get("4.0,4.0"), x2 = byScale.get("2.0,2.0");
        assertEquals(x4.get(ScaleEvaluation.BASELINE), x4.get(ScaleEvaluation.NEAREST));
        assertTrue(x2.get(ScaleEvaluation.NEAREST) > x2.get(ScaleEvaluation.BASELINE), x2.toString());
        // The bicubic LR is the reference for the LR's fidelity, so its own is infinite.
        assertTrue(rows.stream().filter(r -> r[3].equals(ScaleEvaluation.BICUBIC))
                .allMatch(r -> r[5].equals("Infinity")));
        assertTrue(Files.readString(out.resolve("eval-iarn-small.md")).contains("## Gain over"));
        assertTrue(Files.size(out.resolve("scales-iarn-small.png")) > 1000);
    }

    @Test
    void badCrop_exits2() throws Exception {
        assertEquals(2, Main.run(new String[] {"eval", "models/eval", "--model", "iarn-small", "--crop", "-1"}));
    }
}
