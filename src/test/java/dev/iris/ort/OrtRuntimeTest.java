package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtRuntimeTest {
    @Test
    void load_readsVersionOfTheJarsLibrary() {
        OrtRuntime ort = OrtRuntime.get();
        assertTrue(ort.version().matches("1\\.(2[3-9]|[3-9]\\d)\\.\\d+.*"), ort.version());
        assertEquals(23, ort.apiVersion());
        assertTrue(Files.isRegularFile(ort.library()));
        assertFalse(ort.buildInfo().isBlank());
    }

    @Test
    void availableProviders_includeCpu() {
        assertTrue(OrtRuntime.get().availableProviders().contains("CPUExecutionProvider"));
    }

    @Test
    void load_sameLibraryAgain_returnsTheLoadedRuntime() {
        OrtRuntime ort = OrtRuntime.get();
        assertSame(ort, OrtRuntime.load(new RuntimeOptions(Optional.of(ort.library()), Path.of("unused"))));
    }

    @Test
    void load_anotherLibrary_isRefused() {
        OrtRuntime.get();
        var e = assertThrows(IllegalStateException.class, () -> OrtRuntime.load(
                new RuntimeOptions(Optional.of(Path.of("/opt/other/libonnxruntime.so")), Path.of("unused"))));
        assertTrue(e.getMessage().contains("already loaded"), e.getMessage());
    }

    @Test
    void locate_missingConfiguredLibrary_namesTheSetting() {
        var options = new RuntimeOptions(Optional.of(Path.of("/nonexistent/libonnxruntime.so")), Path.of("unused"));
        var e = assertThrows(OrtException.class, () -> NativeLibrary.locate(options));
        assertEquals(OrtErrorCode.NO_SUCHFILE, e.code());
        assertTrue(e.getMessage().contains("iris.ort.library points to /nonexistent/libonnxruntime.so"),
                e.getMessage());
    }

    @Test
    void locate_unpacksOnceIntoTheCacheAndReusesIt(@TempDir Path cache) throws Exception {
        var options = new RuntimeOptions(Optional.empty(), cache);
        Path first = NativeLibrary.locate(options);
        var written = Files.getLastModifiedTime(first);
        Path second = NativeLibrary.locate(options);
        assertEquals(first, second);
        assertEquals(written, Files.getLastModifiedTime(second));
        assertTrue(first.startsWith(cache));
    }

    @Test
    void locate_corruptedCachedCopy_isReplaced(@TempDir Path cache) throws Exception {
        var options = new RuntimeOptions(Optional.empty(), cache);
        Path library = NativeLibrary.locate(options);
        long size = Files.size(library);
        Files.write(library, new byte[] {1, 2, 3});
        assertEquals(library, NativeLibrary.locate(options));
        assertEquals(size, Files.size(library));
    }
}
