package dev.iris.asset;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated asset name: 1 to 128 characters of letters, digits, '.', '_' and '-', starting with a letter or
 * digit. No separators, so a name can never reach outside the store's directory.
 */
public record AssetName(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public AssetName {
        if (!VALID.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("asset names are 1-128 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit, got \"" + value + "\"");
        }
    }

    /** The name, if {@code value} is a valid one. */
    public static Optional<AssetName> parse(String value) {
        return VALID.matcher(value).matches() && !value.contains("..") ? Optional.of(new AssetName(value))
                : Optional.empty();
    }

    /** The asset name for an uploaded file name: its last extension dropped ({@code photo.jpg} → {@code photo}). */
    public static AssetName fromFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return new AssetName(dot > 0 ? fileName.substring(0, dot) : fileName);
    }

    @Override
    public String toString() {
        return value;
    }
}
