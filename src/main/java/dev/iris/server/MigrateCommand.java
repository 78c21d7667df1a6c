package dev.iris.server;

import dev.iris.asset.AssetException;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.Recoding;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code iris migrate}: re-encodes every asset of the store into the configured LR codec ({@code assets.lrCodec}),
 * one asset at a time, each atomically and pixel-identical ({@link AssetStore#recode}); says what it did per asset
 * and the bytes stored before and after in total. Safe while the server runs and safe to repeat. Not thread-safe;
 * use once.
 */
final class MigrateCommand {
    private final AssetStore store;
    private final String codec;
    private final PrintStream out;
    private final PrintStream err;

    MigrateCommand(AssetStore store, String codec, PrintStream out, PrintStream err) {
        this.store = store;
        this.codec = codec;
        this.out = out;
        this.err = err;
    }

    /** Migrates every asset; returns the exit status: 0 when none failed, else 1. */
    int run() {
        List<AssetMeta> assets;
        try {
            assets = store.list();
        } catch (AssetException e) {
            err.println("iris: " + e.getMessage());
            return 1;
        }
        long before = 0, after = 0;
        int recoded = 0, already = 0, superseded = 0, failed = 0;
        for (AssetMeta asset : assets) {
            try {
                switch (store.recode(new AssetName(asset.name()))) {
                    case Recoding.Recoded r -> {
                        recoded++;
                        before += r.bytesBefore();
                        after += r.bytesAfter();
                        out.printf(Locale.ROOT, "%s: %s %d B -> %s %d B (%s)%n", r.name(), r.before().codec(),
                                r.bytesBefore(), r.after().codec(), r.bytesAfter(), change(r.bytesBefore(),
                                        r.bytesAfter()));
                    }
                    case Recoding.AlreadyEncoded a -> {
                        already++;
                        before += a.bytes();
                        after += a.bytes();
                        out.printf(Locale.ROOT, "%s: already %s, %d B%n", a.name(), codec, a.bytes());
                    }
                    case Recoding.Superseded s -> {
                        superseded++;
                        out.printf(Locale.ROOT, "%s: replaced by a put meanwhile, which is kept; not migrated%n",
                                s.name());
                    }
                }
            } catch (AssetException e) { // one unreadable asset must not stop the rest
                failed++;
                err.println(asset.name() + ": " + e.getMessage());
            }
        }
        out.printf(Locale.ROOT, "total: %d assets into %s: %d migrated, %d already %s, %d replaced meanwhile, "
                + "%d failed; %d B -> %d B (%s)%n", assets.size(), codec, recoded, already, codec, superseded, failed,
                before, after, change(before, after));
        return failed == 0 ? 0 : 1;
    }

    private static String change(long before, long after) {
        return before == 0 ? "±0%" : String.format(Locale.ROOT, "%+.1f%%", 100.0 * (after - before) / before);
    }
}
