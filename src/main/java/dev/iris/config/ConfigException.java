package dev.iris.config;

import java.util.List;

/** Configuration that cannot be used; the message has one line per bad key, each starting with the key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
