package dev.iris.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sections of a Markdown report that another command writes (the ORT profile in docs/BENCHMARKS.md), delimited by
 * {@code <!-- section ID -->} and {@code <!-- end ID -->}, so each command replaces only its own part and
 * {@code ./iris bench}, which rewrites the rest, keeps them. Stateless.
 */
final class MarkedSections {
    private static final Pattern SECTION = Pattern.compile("(?s)<!-- section (\\S+) -->\\n.*?<!-- end \\1 -->\\n");

    private MarkedSections() {}

    /** {@code doc} with section {@code id} set to {@code body}: replaced where it was, else appended. */
    static String put(String doc, String id, String body) {
        String section = "<!-- section " + id + " -->\n" + body + (body.endsWith("\n") ? "" : "\n")
                + "<!-- end " + id + " -->\n";
        Matcher m = Pattern.compile("(?s)<!-- section " + Pattern.quote(id) + " -->\\n.*?<!-- end "
                + Pattern.quote(id) + " -->\\n").matcher(doc);
        if (m.find()) {
            return doc.substring(0, m.start()) + section + doc.substring(m.end());
        }
        return doc + (doc.isEmpty() || doc.endsWith("\n\n") ? "" : doc.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /** Every marked section of {@code doc}, in order, markers included. */
    static List<String> all(String doc) {
        List<String> out = new ArrayList<>();
        Matcher m = SECTION.matcher(doc);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
