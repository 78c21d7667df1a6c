package dev.iris.ort;

import java.nio.file.Path;

/** Where a session's model comes from. */
sealed interface ModelSource {
    record File(Path path) implements ModelSource {}

    record Bytes(byte[] data) implements ModelSource {}
}
