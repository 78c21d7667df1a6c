package dev.iris.asset;

/**
 * What {@link AssetStore#recode} did with one asset. Immutable. Byte counts are everything stored for the version
 * (payloads plus metadata), as {@link AssetMeta#storedBytes()} counts them.
 */
public sealed interface Recoding {
    /** The asset's name. */
    String name();

    /** Re-encoded: same pixels and version, now in the store's codec; the old payloads are deleted. */
    record Recoded(AssetMeta before, AssetMeta after, long bytesBefore, long bytesAfter) implements Recoding {
        @Override
        public String name() {
            return after.name();
        }
    }

    /** Already in the store's codec; nothing written. */
    record AlreadyEncoded(AssetMeta meta, long bytes) implements Recoding {
        @Override
        public String name() {
            return meta.name();
        }
    }

    /** A put replaced (or removed) the asset while it was being re-encoded: the put won; nothing written. */
    record Superseded(String name) implements Recoding {}
}
