package dev.iris.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void shippedFile_documentsExactlyTheKeysTheLoaderReads() throws Exception {
        Set<String> documented = documented().keySet();
        Set<String> read = ConfigLoader.knownKeys();
        assertAll(
                () -> assertEquals(Set.of(), difference(read, documented),
                        "read by ConfigLoader but not in conf/iris.properties"),
                () -> assertEquals(Set.of(), difference(documented, read),
                        "in conf/iris.properties but not read by ConfigLoader"));
    }

    @Test
    void shippedFile_everyDocumentedKeyLoads_andItsDocumentedValueIsTheDefault(@TempDir Path tmp) throws Exception {
        // Every "#key=value" line of the shipped file, switched on: each key must be accepted, each value valid and
        // equal to the loader's default, one by one (a failure names the key) and all together from a file.
        IrisConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), tmp);
        List<String> notTheDefault = new ArrayList<>();
        StringBuilder uncommented = new StringBuilder();
        documented().forEach((key, value) -> {
            if (!ConfigLoader.load(Optional.empty(), Map.of(key, value), tmp).equals(defaults)) {
                notTheDefault.add(key + "=" + value);
            }
            uncommented.append(key).append('=').append(value).append('\n');
        });
        assertEquals(List.of(), notTheDefault, "documented values that are not the loader's defaults");
        Path file = tmp.resolve("all-keys.properties");
        Files.writeString(file, uncommented);
        assertEquals(defaults, ConfigLoader.load(Optional.of(file), Map.of(), tmp));
    }

    @Test
    void load_unknownKeyBesideEveryKnownOne_isRejected() throws Exception {
        Map<String, String> all = new LinkedHashMap<>(documented());
        all.put("serving.enlarged", "true"); // a near miss of serving.enlarge
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), all, Path.of("")));
        assertEquals(List.of("serving.enlarged: unknown key (see conf/iris.properties for the known ones)"),
                e.problems());
    }

    @Test
    void load_demoScale_acceptsOnly2Or4() {
        assertEquals(4, ConfigLoader.load(Optional.empty(), Map.of("assets.demoScale", "4"), Path.of(""))
                .assets().demoScale());
        for (String bad : List.of("3", "1", "8")) {
            var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                    Map.of("assets.demoScale", bad), Path.of("")));
            assertEquals(List.of("assets.demoScale: expected 2 or 4, got \"" + bad + "\""), e.problems());
        }
    }

    @Test
    void load_s3Store_readsTheBucketKeys_andDefaultsItsStalenessToTwoSeconds() {
        IrisConfig config = ConfigLoader.load(Optional.empty(), Map.of("assets.store", "s3",
                "assets.s3.endpoint", "http://127.0.0.1:9000", "assets.s3.bucket", "my-images",
                "assets.s3.prefix", "site-a/", "assets.s3.pathStyle", "true"), Path.of(""));
        IrisConfig.Assets assets = config.assets();
        assertEquals(IrisConfig.Store.S3, assets.store());
        assertEquals(new IrisConfig.S3(Optional.of(java.net.URI.create("http://127.0.0.1:9000")), "my-images",
                "site-a/", "us-east-1", true, true, java.time.Duration.ofSeconds(5)), assets.s3());
        assertEquals(java.time.Duration.ofSeconds(2), assets.metaStaleness());
        assertEquals(java.time.Duration.ZERO, ConfigLoader.load(Optional.empty(), Map.of(), Path.of(""))
                .assets().metaStaleness(), "a file stat per lookup with the directory store");
    }

    @Test
    void load_s3Store_reportsAMissingBucketABadPrefixAndABadEndpoint() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of(
                "assets.store", "s3", "assets.s3.endpoint", "localhost:9000", "assets.s3.prefix", "/abs"),
                Path.of("")));
        assertEquals(List.of(
                "assets.s3.endpoint: expected an http or https URL, got \"localhost:9000\"",
                "assets.s3.bucket: expected a bucket name (3-63 lower-case letters, digits, '.', '-') with "
                        + "assets.store=s3, got \"\"",
                "assets.s3.prefix: expected empty or a path ending in '/' (letters, digits, '.', '_', '-'), got "
                        + "\"/abs\""), e.problems());
    }

    /** Each key conf/iris.properties documents (a line {@code #key=default}) with its documented value. */
    private static Map<String, String> documented() throws Exception {
        Pattern line = Pattern.compile("#([a-z]+(?:\\.[A-Za-z0-9]+)+)=(.*)");
        Map<String, String> keys = new LinkedHashMap<>();
        for (String text : Files.readAllLines(Path.of("conf/iris.properties"))) {
            Matcher m = line.matcher(text);
            if (m.matches() && keys.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError(m.group(1) + " is documented twice");
            }
        }
        assertTrue(keys.size() > 10, "found only " + keys.keySet() + " in conf/iris.properties");
        return keys;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
