package dev.iris.web;

import dev.iris.app.IrisApp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoIngestTest {
    @Test
    void demoImages_areIngestedOnce_andAgainWhenTheirAssetWasMadeByAnotherNetwork(@TempDir Path tmp)
            throws Exception {
        Path demo = Files.createDirectories(tmp.resolve("demo"));
        Files.write(demo.resolve("ladybird.png"), IrisTestServer.fixture("ladybird.png"));
        Files.writeString(demo.resolve("notes.txt"), "not an image");
        try (IrisTestServer iris = IrisTestServer.start(tmp,
                Map.of("assets.demoDir", demo.toString(), "assets.demoScale", "2"))) {
            IrisApp app = iris.app();
            assertEquals(List.of("ladybird"), app.ingestDemos());
            assertTrue(app.ingestDemos().isEmpty(), "an up-to-date demo asset is kept");

            // The store now holds an LR made by a network that is no longer loaded (as after a model update).
            Path metaFile = tmp.resolve("assets").resolve("ladybird.json");
            String current = app.store().find(new AssetName("ladybird")).orElseThrow().modelSha256();
            Path edited = tmp.resolve("edited.json");
            Files.writeString(edited, Files.readString(metaFile).replace(current, "0".repeat(64)));
            Files.move(edited, metaFile, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("0".repeat(64), app.store().find(new AssetName("ladybird")).orElseThrow().modelSha256());

            assertEquals(List.of("ladybird"), app.ingestDemos());
            AssetMeta again = app.store().find(new AssetName("ladybird")).orElseThrow();
            assertEquals(current, again.modelSha256());
            assertEquals(200, iris.get("/img/ladybird.png?w=64").statusCode());
        }
    }
}
