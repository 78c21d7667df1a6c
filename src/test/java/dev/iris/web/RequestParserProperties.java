package dev.iris.web;

import dev.iris.render.ImageRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the URL parser over generated paths and queries, hostile ones included. */
class RequestParserProperties {
    private static final IrisConfig CONFIG = ConfigLoader.load(Optional.empty(), Map.of(), Path.of(""));
    private final RequestParser parser = new RequestParser(CONFIG.serving(), CONFIG.limits());

    @Property(tries = 2000)
    void anyInput_givesAResult_neverAnException(@ForAll("paths") String path, @ForAll("queries") Map<String, String[]> query) {
        ParseResult result = parser.parse(path, query);
        assertNotNull(result);
        if (result instanceof ParseResult.Rejected rejected) {
            String message = rejected.problem().message();
            assertEquals(400, rejected.problem().status());
            assertFalse(message.isBlank() || message.contains("\n") || message.length() >= 300, message);
        }
        if (result instanceof ParseResult.Parsed parsed) {
            ImageRequest r = parsed.request();
            int max = CONFIG.limits().maxOutputDimension();
            assertTrue(r.width() >= 0 && r.width() <= max && r.height() >= 0 && r.height() <= max, r.toString());
            assertTrue(r.quality() >= 1 && r.quality() <= 100, r.toString());
            String name = r.name().value();
            assertFalse(name.contains("/") || name.contains("\\") || name.contains(".."), name);
        }
    }

    @Property(tries = 500)
    void validSizes_roundTripThroughTheCanonicalForm(@ForAll @IntRange(min = 1, max = 8192) int w,
            @ForAll @IntRange(min = 1, max = 8192) int h, @ForAll @IntRange(min = 1, max = 100) int q) {
        var result = parser.parse("photo.jpg", Map.of("w", new String[] {"" + w}, "h", new String[] {"" + h},
                "q", new String[] {"" + q}));
        ImageRequest r = assertInstanceOf(ParseResult.Parsed.class, result).request();
        assertEquals("w=" + w + "&h=" + h + "&fit=cover&q=" + q + "&fm=jpg", r.canonical());
    }

    @Property(tries = 500)
    void namesWithSeparatorsOrDotDot_areNeverParsedAsAssets(@ForAll("traversals") String path) {
        assertFalse(parser.parse(path, Map.of()) instanceof ParseResult.Parsed, path);
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019._-/\\%\u0000 é").ofMaxLength(20);
        Arbitrary<String> ext = Arbitraries.of("jpg", "jpeg", "png", "webp", "gif", "", "JPG", "jpg/..", "png%00");
        return Combinators.combine(name, ext).as((n, e) -> n + "." + e);
    }

    @Provide
    Arbitrary<Map<String, String[]>> queries() {
        Arbitrary<String> key = Arbitraries.of("w", "h", "fit", "dpr", "q", "fm", "v", "s", "x", "W", "");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.integers().between(-10, 10_000).map(String::valueOf),
                Arbitraries.of("NaN", "Infinity", "-0", "1e9", "0x10", "1.5", "4.0001", "cover", "contain", "fill",
                        "inside", "outside", "png", "webp", "", " 1", "1 ", "99999999999999999999"),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String[]> values = value.array(String[].class).ofMinSize(1).ofMaxSize(2);
        return Arbitraries.maps(key, values).ofMaxSize(5);
    }

    @Provide
    Arbitrary<String> traversals() {
        Arbitrary<String> segment = Arbitraries.strings().withChars("ab.").ofMinLength(1).ofMaxLength(4);
        return Combinators.combine(segment, Arbitraries.of("/", "\\", "/../", ".."), segment)
                .as((a, sep, b) -> a + sep + b + ".jpg");
    }
}
