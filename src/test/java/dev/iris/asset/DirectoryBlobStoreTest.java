package dev.iris.asset;

import static dev.iris.asset.BlobStoreContract.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    @Override
    BlobStore open() {
        return BlobStore.directory(dir);
    }

    @Test
    void files_areNamedByNameAndKey_withNoTemporariesLeft() throws IOException {
        BlobStore store = open();
        store.writePayload("cat.0123.lr.png", utf8("pixels"));
        store.commitMeta("cat", utf8("{}"), Optional.empty());
        assertEquals(List.of("cat.0123.lr.png", "cat.json"), files());
        assertEquals("pixels", Files.readString(dir.resolve("cat.0123.lr.png")));
    }

    @Test
    void commitMeta_whenTheRenameFails_throwsAndLeavesNoTemporaryFile() throws IOException {
        BlobStore store = open();
        // A non-empty directory where the metadata file belongs: the rename onto it fails, whoever we are.
        Files.createDirectories(dir.resolve("cat.json").resolve("blocker"));
        assertThrows(IOException.class, () -> store.commitMeta("cat", utf8("{}"), store.metaStamp("cat")));
        assertEquals(List.of("cat.json"), files());
    }

    @Test
    void namesAndKeys_thatCouldLeaveTheDirectoryOrCollide_areRejected() {
        BlobStore store = open();
        for (String bad : List.of("../x", "a/b", ".hidden", "", "a..b", "x\u0000y")) {
            assertThrows(IllegalArgumentException.class, () -> store.readMeta(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> store.writePayload(bad, new byte[1]), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.writePayload("cat.json", new byte[1]));
        assertEquals("payload keys may not end in .json, got \"cat.json\"", e.getMessage());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
