package dev.iris.asset;

/** An ingest request that cannot be carried out as asked (a client error); one line, fit to show the user. */
public final class IngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }

    /**
     * {@code text} as a reason may quote what the client sent: in double quotes, cut to 32 characters, anything but
     * printable ASCII (and the quote itself) shown as {@code ?}, so the reason stays one short, harmless line.
     */
    static String quoted(String text) {
        return "\"" + text.substring(0, Math.min(text.length(), 32)).replaceAll("[^ -~]|\"", "?") + "\"";
    }
}
