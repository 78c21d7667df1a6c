package dev.iris.asset;

/** An ingest request that cannot be carried out as asked (a client error); one line, fit to show the user. */
public final class IngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IngestException(String message) {
        super(message);
    }
}
