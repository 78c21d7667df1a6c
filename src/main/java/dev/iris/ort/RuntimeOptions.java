package dev.iris.ort;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the native ONNX Runtime library comes from.
 *
 * @param library  an explicit {@code libonnxruntime} to load (for example a CUDA 13 build); empty to use the
 *                 copy inside Microsoft's {@code com.microsoft.onnxruntime:onnxruntime} jar on the class path
 * @param cacheDir where the jar's copy is unpacked, once per distinct library (checked by SHA-256); it must
 *                 allow executing mapped code, so not a {@code noexec} mount
 */
public record RuntimeOptions(Optional<Path> library, Path cacheDir) {
    /** Key of the system property naming an explicit library; also read from {@code IRIS_ORT_LIBRARY}. */
    public static final String LIBRARY_PROPERTY = "iris.ort.library";
    /** Key of the system property naming the unpack directory; also read from {@code IRIS_ORT_CACHE_DIR}. */
    public static final String CACHE_DIR_PROPERTY = "iris.ort.cacheDir";

    public RuntimeOptions {
        library = library.map(p -> p.toAbsolutePath().normalize());
        cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    /** Options from system properties, then environment variables, then {@code ~/.cache/iris/ort}. */
    public static RuntimeOptions fromEnvironment() {
        Optional<Path> library = setting(LIBRARY_PROPERTY, "IRIS_ORT_LIBRARY").map(Path::of);
        Path cacheDir = setting(CACHE_DIR_PROPERTY, "IRIS_ORT_CACHE_DIR").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "iris", "ort"));
        return new RuntimeOptions(library, cacheDir);
    }

    private static Optional<String> setting(String property, String variable) {
        String value = System.getProperty(property, System.getenv(variable));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
