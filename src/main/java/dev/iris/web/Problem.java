package dev.iris.web;

/** A client error as a value: the HTTP status and a one-line reason for the JSON body. */
public record Problem(int status, String message) {
    public static Problem badRequest(String message) {
        return new Problem(400, message);
    }
}
