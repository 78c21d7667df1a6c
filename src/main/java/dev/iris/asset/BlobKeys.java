package dev.iris.asset;

import java.util.regex.Pattern;

/**
 * The names and keys every {@link BlobStore} accepts: 1 to 255 letters, digits, {@code '.'}, {@code '_'} and
 * {@code '-'}, starting with a letter or digit, without {@code ".."}: safe as file names and object keys alike.
 * Stateless.
 */
final class BlobKeys {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private BlobKeys() {}

    static boolean valid(String nameOrKey) {
        return VALID.matcher(nameOrKey).matches() && !nameOrKey.contains("..");
    }

    /** {@code nameOrKey}, if valid; {@code what} is "name" or "key", for the message. */
    static String checked(String what, String nameOrKey) {
        if (!valid(nameOrKey)) {
            throw new IllegalArgumentException("blob " + what + "s are 1-255 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, got \"" + nameOrKey + "\"");
        }
        return nameOrKey;
    }
}
