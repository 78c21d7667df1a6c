package dev.iris.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AssetNameTest {
    @Test
    void parse_rejectsTraversalAndSeparators() {
        for (String bad : List.of("..", "../x", "a/b", "a\\b", ".hidden", "", "a..b", "x\u0000y", "%2e%2e")) {
            assertTrue(AssetName.parse(bad).isEmpty(), bad);
        }
    }

    @Test
    void fromFileName_dropsTheLastExtension() {
        assertEquals("photo", AssetName.fromFileName("photo.jpg").value());
        assertEquals("my.photo", AssetName.fromFileName("my.photo.png").value());
    }
}
