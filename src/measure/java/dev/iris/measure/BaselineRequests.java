package dev.iris.measure;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** What the baseline servlets share: reading {@code w} and sending a JPEG. Stateless. */
final class BaselineRequests {
    private BaselineRequests() {}

    /** {@code w} clamped to 1..{@code max} (no enlargement, as iris by default); {@code max} when absent. */
    static int width(HttpServletRequest request, int max) {
        String w = request.getParameter("w");
        if (w == null || !w.matches("[0-9]{1,5}")) {
            return max;
        }
        return Math.max(1, Math.min(max, Integer.parseInt(w)));
    }

    static void sendJpeg(HttpServletResponse response, byte[] jpeg) throws IOException {
        response.setContentType("image/jpeg");
        response.setContentLength(jpeg.length);
        response.getOutputStream().write(jpeg);
    }
}
