package dev.iris.ort;

import dev.iris.hash.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Finds {@code libonnxruntime} on disk: the configured file, or the copy inside Microsoft's jar unpacked into
 * {@code cacheDir/<sha256 prefix>/}. Stateless; safe to call from several processes at once, since every file
 * is written to a temporary name and then renamed into place.
 *
 * <p>ORT looks for its execution-provider libraries ({@code libonnxruntime_providers_*.so}) next to the main
 * library, so any the jar carries are unpacked into the same directory.
 */
final class NativeLibrary {
    private static final List<String> PROVIDER_LIBRARIES = List.of(
            "libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so",
            "libonnxruntime_providers_tensorrt.so");

    private NativeLibrary() {}

    static Path locate(RuntimeOptions options) {
        if (options.library().isPresent()) {
            Path library = options.library().get();
            if (!Files.isRegularFile(library)) {
                throw new OrtException(OrtErrorCode.NO_SUCHFILE, RuntimeOptions.LIBRARY_PROPERTY + " points to "
                        + library + ", which is not a file; unset it to use the library from the onnxruntime jar");
            }
            return library;
        }
        return unpackFromJar(options.cacheDir());
    }

    private static Path unpackFromJar(Path cacheDir) {
        String folder = "ai/onnxruntime/native/" + platform() + "/";
        String mainName = System.mapLibraryName("onnxruntime");
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        if (loader.getResource(folder + mainName) == null) {
            throw new OrtException(OrtErrorCode.NO_SUCHFILE, "no " + folder + mainName + " on the class path: add "
                    + "com.microsoft.onnxruntime:onnxruntime to it, or set " + RuntimeOptions.LIBRARY_PROPERTY);
        }
        try {
            Files.createDirectories(cacheDir);
            String digest = sha256(loader, folder + mainName);
            Path dir = cacheDir.resolve(digest.substring(0, 16));
            Files.createDirectories(dir);
            Path main = dir.resolve(mainName);
            if (!Files.isRegularFile(main) || !digest.equals(sha256(main))) {
                copy(loader, folder + mainName, main);
                if (!digest.equals(sha256(main))) {
                    throw new OrtException(OrtErrorCode.FAIL, "checksum mismatch after unpacking " + main);
                }
            }
            for (String provider : PROVIDER_LIBRARIES) {
                Path target = dir.resolve(provider);
                if (loader.getResource(folder + provider) != null && !Files.isRegularFile(target)) {
                    copy(loader, folder + provider, target);
                }
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack ONNX Runtime into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** Microsoft's folder name for this OS and CPU, for example {@code linux-x64}. */
    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : os.contains("win") ? "win" : os;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try (InputStream in = loader.getResourceAsStream(resource)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String sha256(ClassLoader loader, String resource) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return Sha256.hex(in);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in);
        }
    }
}
