package dev.iris.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * After {@code mvn package}: the shipped {@code target/iris.jar} and {@code target/iris.war} (with the jars in its
 * {@code WEB-INF/lib}) hold no class compiled from {@code src/measure/java}, nothing in the measurement packages,
 * and no iris class that refers to them; {@code target/iris-measure.jar} holds every measurement class and, with
 * {@code iris.jar}, all that they use.
 */
class ShippedArtifactsIT {
    private static final Path TARGET = Path.of("target");
    private static final Path SOURCES = Path.of("src/measure/java");
    /** Measurement's package, and the one it had while it shipped inside iris.jar. */
    private static final List<String> PACKAGES = List.of("dev/iris/measure/", "dev/iris/bench/");
    /** An iris type's internal name, as the constant pool spells it in class references and descriptors. */
    private static final Pattern IRIS_TYPE = Pattern.compile("dev/iris/[A-Za-z0-9_$/-]*[A-Za-z0-9_$]");
    private static final List<String> TEST_LIBRARIES = List.of("org/junit/", "net/jqwik/", "org/opentest4j/");

    @Test
    void shippedJarAndWar_holdNoMeasurementClass() throws IOException {
        Set<String> measurement = measurementClasses();
        List<String> found = new ArrayList<>();
        for (String artifact : List.of("iris.jar", "iris.war")) {
            Map<String, byte[]> classes = classes(TARGET.resolve(artifact));
            assertTrue(classes.containsKey("dev/iris/server/Main.class"), artifact + " lacks the shipped classes");
            classes.forEach((name, bytes) -> {
                if (PACKAGES.stream().anyMatch(name::startsWith) || measurement.contains(outer(name))) {
                    found.add(artifact + ": " + name);
                } else if (name.startsWith("dev/iris/") && refersToMeasurement(bytes)) {
                    found.add(artifact + ": " + name + " refers to a measurement package");
                }
            });
        }
        assertEquals(List.of(), found, "measurement in the shipped artifacts: it belongs in src/measure/java, which "
                + "only target/iris-measure.jar packages (if the sources are clean, target/ holds classes of an "
                + "earlier build: mvn clean)");
    }

    @Test
    void measurementJar_holdsEveryMeasurementClass() throws IOException {
        Set<String> missing = new TreeSet<>(measurementClasses());
        missing.removeAll(classes(TARGET.resolve("iris-measure.jar")).keySet());
        assertEquals(Set.of(), missing, "measurement classes missing from target/iris-measure.jar");
    }

    @Test
    void measurementJar_needsNothingButItselfAndTheShippedJar() throws IOException {
        Map<String, byte[]> measurement = classes(TARGET.resolve("iris-measure.jar"));
        Set<String> available = new TreeSet<>(measurement.keySet());
        available.addAll(classes(TARGET.resolve("iris.jar")).keySet());
        List<String> problems = new ArrayList<>();
        measurement.forEach((name, bytes) -> {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            TEST_LIBRARIES.stream().filter(text::contains).forEach(l -> problems.add(name + " uses " + l));
            IRIS_TYPE.matcher(text).results().map(m -> m.group()).distinct()
                    .filter(type -> !available.contains(type + ".class"))
                    .filter(type -> available.stream().noneMatch(c -> c.startsWith(type + "/"))) // a package name
                    .forEach(type -> problems.add(name + " needs " + type));
        });
        assertEquals(List.of(), problems, "measurement must run from target/iris-measure.jar and iris.jar alone: "
                + "it compiles with the tests, but may use none of their classes or libraries");
    }

    /** {@code pkg/Name.class} for every top-level class in src/measure/java. */
    private static Set<String> measurementClasses() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            Set<String> classes = new TreeSet<>(files.filter(f -> f.toString().endsWith(".java"))
                    .map(f -> SOURCES.relativize(f).toString().replace('\\', '/').replaceFirst("\\.java$", ".class"))
                    .toList());
            assertTrue(classes.contains("dev/iris/measure/Main.class"), "no measurement sources in " + SOURCES);
            return classes;
        }
    }

    /** {@code pkg/Outer$Inner.class} → {@code pkg/Outer.class}. */
    private static String outer(String entry) {
        return entry.replaceFirst("\\$[^/]*\\.class$", ".class");
    }

    /** Whether a class file names a type of a measurement package (class names sit in its constant pool). */
    private static boolean refersToMeasurement(byte[] classFile) {
        String text = new String(classFile, StandardCharsets.ISO_8859_1);
        return PACKAGES.stream().anyMatch(text::contains);
    }

    /**
     * The classes of a jar or war by name ({@code WEB-INF/classes/} stripped), including those of the jars inside
     * it; the bytes only of iris's own ({@code dev/iris/}), empty for the rest.
     */
    private static Map<String, byte[]> classes(Path archive) throws IOException {
        assertTrue(Files.isRegularFile(archive), archive + " is missing: build it first (mvn package)");
        try (InputStream in = Files.newInputStream(archive)) {
            Map<String, byte[]> classes = new TreeMap<>();
            collect(new ZipInputStream(in), classes);
            return classes;
        }
    }

    private static void collect(ZipInputStream zip, Map<String, byte[]> classes) throws IOException {
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            String name = entry.getName().replaceFirst("^WEB-INF/classes/", "");
            if (name.endsWith(".class")) {
                classes.put(name, name.startsWith("dev/iris/") ? zip.readAllBytes() : new byte[0]);
            } else if (name.endsWith(".jar")) {
                collect(new ZipInputStream(zip), classes); // reads this entry only; not closed, or zip would be
            }
        }
    }
}
