package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed URLs, allow-lists and hostile paths: clear 4xx answers, never a stack trace or a 5xx. */
class HostileRequestTest {
    static final byte[] KEY_OLD = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final byte[] KEY_NEW = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100ffeeddcc");

    @TempDir
    static Path tmp;
    static IrisTestServer iris;

    @BeforeAll
    static void start() throws Exception {
        iris = IrisTestServer.start(tmp, Map.of(
                "serving.signingKeys", HexFormat.of().formatHex(KEY_OLD) + "," + HexFormat.of().formatHex(KEY_NEW),
                "limits.allowedWidths", "100,200",
                "limits.allowedQualities", "50,80"));
        iris.ingest("photo", "photo.png", iris.firstModelScale());
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
    }

    private static String signed(byte[] key, String path, String query) {
        return path + "?" + query + "&s=" + UrlSignatures.sign(key, path + "?" + query);
    }

    @Test
    void signedUrls_eitherKeyWorks_othersAreForbidden() {
        assertEquals(200, iris.get(signed(KEY_OLD, "/img/photo.jpg", "w=100")).statusCode());
        assertEquals(200, iris.get(signed(KEY_NEW, "/img/photo.jpg", "w=200&q=80")).statusCode());
        HttpResponse<byte[]> unsigned = iris.get("/img/photo.jpg?w=100");
        IrisTestServer.assertProblem(unsigned, 403, "missing or invalid URL signature (s=)");
        String tampered = signed(KEY_OLD, "/img/photo.jpg", "w=100").replace("w=100", "w=200");
        assertEquals(403, iris.get(tampered).statusCode());
        byte[] otherKey = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
        assertEquals(403, iris.get(signed(otherKey, "/img/photo.jpg", "w=100")).statusCode());
    }

    @Test
    void unsignedRequests_learnNothingAboutWhichNamesExist() {
        // The signature is checked before the store is asked: an existing and a missing name answer alike.
        HttpResponse<byte[]> existing = iris.get("/img/photo.jpg?w=100");
        HttpResponse<byte[]> missing = iris.get("/img/no-such-asset.jpg?w=100");
        assertEquals(403, missing.statusCode());
        assertEquals(new String(existing.body()), new String(missing.body()));
        // Signed, a missing name still goes on down the chain (to static files: here a 404).
        assertEquals(404, iris.get(signed(KEY_OLD, "/img/no-such-asset.jpg", "w=100")).statusCode());
    }

    @Test
    void allowLists_rejectOtherWidthsAndQualities() {
        HttpResponse<byte[]> width = iris.get(signed(KEY_OLD, "/img/photo.jpg", "w=150"));
        IrisTestServer.assertProblem(width, 400, "width 150 is not allowed; allowed: 100,200");
        assertEquals(400, iris.get(signed(KEY_OLD, "/img/photo.jpg", "w=100&q=90")).statusCode());
        assertEquals(400, iris.get(signed(KEY_OLD, "/img/photo.jpg", "w=50&dpr=3")).statusCode());
    }

    @Test
    void hostilePaths_get4xxWithoutStackTraces() throws IOException {
        List<String> paths = List.of(
                "/img/../conf/iris.properties", "/img/%2e%2e/conf/iris.properties", "/img/%2e%2e%2fconf%2firis.properties",
                "/img/..%5cconf%5ciris.properties", "/img/photo%00.jpg", "/img//etc/passwd", "/img/%2fetc%2fpasswd",
                "/img/photo.jpg%00.png", "/img/.hidden.jpg", "/img/photo.jpg/..", "/img/" + "a".repeat(300) + ".jpg",
                "/img/photo.jpg?w=%ff%fe", "/img/photo.jpg?w=1e9", "/img/photo.jpg?w=Infinity", "/img/photo.jpg?h=-0",
                "/img/photo.gif", "/img/photo.jpg?fm=svg", "/iris/assets", "/iris/assets/../../etc/passwd",
                "/iris/nothing", "/WEB-INF/web.xml", "/img/");
        for (String path : paths) {
            String response = rawGet(path);
            int status = Integer.parseInt(response.substring(9, 12));
            assertTrue(status >= 400 && status < 500, path + " gave " + response.lines().findFirst().orElse(""));
            assertFalse(response.contains("Exception") || response.contains("\tat "), path + ": " + response);
        }
    }

    /** A raw HTTP/1.1 request, so the client sends the path exactly as written (no normalisation). */
    private static String rawGet(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", iris.uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
