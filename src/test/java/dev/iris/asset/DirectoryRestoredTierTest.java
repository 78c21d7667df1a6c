package dev.iris.asset;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class DirectoryRestoredTierTest extends RestoredTierContract {
    @TempDir
    Path dir;

    @Override
    RestoredTier open(long maxBytes) {
        return RestoredTier.inDirectory(dir, maxBytes);
    }

    @Override
    TierObjects objects() {
        return new DirectoryTierObjects(dir);
    }
}
