package dev.iris.web;

import dev.iris.asset.AssetMeta;
import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Serves assets at any size: {@code GET|HEAD {prefix}{name}.{ext}?w=&h=&fit=&dpr=&q=&fm=&v=}. A path that names no
 * asset goes on down the chain untouched, so static files under the same prefix keep working. Thread-safe.
 *
 * <p>The {@link IrisApp} comes from the servlet context attribute {@link IrisContextListener#APP_ATTRIBUTE},
 * set by {@link IrisContextListener} in a WAR or by the embedded server.
 */
public final class IrisFilter implements Filter {
    private IrisApp app;
    private RequestParser parser;
    private UrlSignatures signatures;
    private String prefix;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        app = IrisContextListener.app(filterConfig.getServletContext());
        parser = new RequestParser(app.config().serving(), app.config().limits());
        signatures = new UrlSignatures(app.config().serving().signingKeys());
        prefix = app.config().serving().prefix();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || !(request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))) {
            chain.doFilter(req, res);
            return;
        }
        Optional<String> path = pathUnderPrefix(request);
        if (path.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        long start = System.nanoTime();
        ParseResult parsed = parser.parse(path.get(), request.getParameterMap());
        try {
            switch (parsed) {
                case ParseResult.NotOurs n -> {
                    chain.doFilter(req, res);
                    return;
                }
                case ParseResult.Rejected r -> {
                    if (app.store().find(r.name()).isEmpty()) {
                        chain.doFilter(req, res);
                        return;
                    }
                    ErrorResponses.send(response, r.problem());
                }
                case ParseResult.Parsed p -> {
                    Optional<AssetMeta> meta = app.store().find(p.request().name());
                    if (meta.isEmpty()) {
                        chain.doFilter(req, res);
                        return;
                    }
                    if (signatures.enabled() && !signatures.verify(request.getRequestURI(), request.getQueryString())) {
                        throw new IrisError.Forbidden("missing or invalid URL signature (s=)");
                    }
                    serve(request, response, p.request(), meta.get());
                }
            }
        } catch (RuntimeException e) {
            ErrorResponses.send(response, e);
        }
        app.metrics().request(response.getStatus(), System.nanoTime() - start);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, ImageRequest asked,
            AssetMeta meta) throws IOException {
        boolean negotiable = app.config().serving().acceptWebp() && !asked.explicitFormat();
        ImageRequest req = negotiable && acceptsWebp(request) ? asked.withFormat(ImageFormat.WEBP) : asked;
        if (!Encoder.supports(req.format())) {
            throw new IrisError.BadRequest(req.format().extension() + " output is not available on this server");
        }
        String etag = Etags.of(meta, req);
        response.setHeader("ETag", etag);
        boolean versioned = asked.version().map(v -> v.equals(meta.version())).orElse(false);
        response.setHeader("Cache-Control", "public, max-age=" + app.config().serving().maxAge().toSeconds()
                + (versioned ? ", immutable" : ""));
        if (negotiable) {
            response.setHeader("Vary", "Accept");
        }
        if (Etags.matches(request.getHeader("If-None-Match"), etag)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        EncodedImage image = app.renderer().render(req, meta);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(image.format().mediaType());
        response.setContentLength(image.bytes().length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(image.bytes());
        }
    }

    private static boolean acceptsWebp(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("image/webp") && Encoder.supports(ImageFormat.WEBP);
    }

    /** The percent-decoded path after the prefix, if the request is under it. */
    private Optional<String> pathUnderPrefix(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        if (!uri.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(URLDecoder.decode(uri.substring(prefix.length()).replace("+", "%2B"),
                    StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // malformed escapes: not a name iris could hold
        }
    }
}
