package dev.iris.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @Test
    void load_shippedFile_givesTheDocumentedDefaults() {
        Path base = Path.of("").toAbsolutePath();
        IrisConfig config = ConfigLoader.load(Optional.of(Path.of("conf/iris.properties")), Map.of(), base);
        assertEquals(8080, config.server().port());
        assertEquals("/img/", config.serving().prefix());
        assertEquals(base.resolve("assets"), config.assets().dir());
        assertEquals(Optional.empty(), config.assets().ingestToken());
        assertEquals(50_000_000L, config.limits().maxSourcePixels());
        assertEquals(8192, config.limits().maxOutputDimension());
        assertEquals(0xFF000000, config.serving().background());
    }

    @Test
    void load_overridesWin_andParseTypes(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("iris.properties");
        Files.writeString(file, "server.port=9000\nlimits.allowedWidths=320, 640\n");
        IrisConfig config = ConfigLoader.load(Optional.of(file), Map.of("server.port", "9001",
                "serving.background", "#80ff0000"), tmp);
        assertEquals(9001, config.server().port());
        assertEquals(Set.of(320, 640), config.limits().allowedWidths());
        assertEquals(0x80ff0000, config.serving().background());
    }

    @Test
    void load_reportsEveryBadKeyAtOnce_eachLineStartingWithTheKey() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(
                "server.port", "eighty", "serving.prefix", "img", "models.provider", "tpu", "no.such", "1"),
                Path.of("")));
        assertEquals(List.of(
                "server.port: expected an integer 0..65535, got \"eighty\"",
                "serving.prefix: expected a path like /img/ (starting and ending with '/'), got \"img\"",
                "models.provider: expected one of cpu, cuda, got \"tpu\"",
                "no.such: unknown key (see conf/iris.properties for the known ones)"), e.problems());
    }

    @Test
    void shippedFile_documentsEveryKeyTheLoaderReads() throws Exception {
        String documented = Files.readString(Path.of("conf/iris.properties"));
        for (String key : List.of("server.host", "server.port", "server.shutdownTimeoutMs", "server.webappDir",
                "serving.prefix", "serving.maxAgeSeconds", "serving.acceptWebp", "serving.enlarge",
                "serving.defaultQuality", "serving.background", "serving.signingKeys", "assets.dir", "assets.ingestToken",
                "assets.maxUploadBytes", "assets.demoDir", "assets.demoScale", "models.dir", "models.threads",
                "models.provider", "models.cudaDevice", "models.tileLr", "models.lrOnlyFallback", "ort.library", "ort.cacheDir",
                "cache.sourceMaxBytes", "cache.encodedMaxBytes", "limits.maxSourceMegapixels",
                "limits.maxOutputDimension", "limits.modelThreads", "limits.queueLength", "limits.requestTimeoutMs",
                "limits.allowedWidths", "limits.allowedQualities")) {
            assertTrue(documented.contains("#" + key + "="), key + " is not documented");
        }
    }
}
