package dev.iris.web;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.render.EncodedImage;
import dev.iris.render.ImageRequest;
import dev.iris.render.Renderer;
import dev.iris.render.Rendition;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
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
 * Serves assets at any size: {@code GET|HEAD {prefix}{name}.{ext}?w=&h=&fit=&dpr=&q=&fm=&v=&s=}. A path that names
 * no asset goes on down the chain untouched, so static files under the same prefix keep working. Thread-safe.
 *
 * <p>{@link #serve} is the whole request in order; each step is its own small class. The services come from the
 * servlet context ({@link IrisServices#of}), put there by the embedded server or, in a WAR, by the listener.
 */
public final class IrisFilter implements Filter {
    private RequestParser parser;
    private UrlSignatures signatures;
    private AssetStore store;
    private Negotiator negotiator;
    private CachingHeaders caching;
    private Renderer renderer;
    private Meter.MeterProvider<Timer> requests;
    private IrisServices services;
    private String prefix;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        services = IrisServices.of(filterConfig.getServletContext());
        var serving = services.config().serving();
        parser = new RequestParser(serving, services.config().limits());
        signatures = new UrlSignatures(serving.signingKeys());
        store = services.store();
        negotiator = new Negotiator(serving.acceptWebp());
        caching = new CachingHeaders(serving.maxAge());
        renderer = services.renderer();
        requests = Timer.builder("iris.http.requests").description("Image requests by response status")
                .publishPercentileHistogram().withRegistry(services.meters());
        prefix = serving.prefix();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> path = req instanceof HttpServletRequest r && isRead(r) ? pathUnderPrefix(r) : Optional.empty();
        if (path.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        request.getParameterMap(); // a malformed query fails here, answered by the container as its own 400
        Timer.Sample sample = Timer.start(services.meters());
        try {
            serve(path.get(), request, response, chain);
        } catch (RuntimeException e) {
            ErrorResponses.send(response, e);
        }
        sample.stop(requests.withTags("status", Integer.toString(response.getStatus())));
    }

    /** One image request: parse → authorise → find the asset → negotiate → conditional → render → respond. */
    private void serve(String path, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ParseResult parsed = parser.parse(path, request.getParameterMap());          // a 400 kept as a value
        if (parsed instanceof ParseResult.NotOurs) {
            chain.doFilter(request, response);
            return;
        }
        signatures.check(request.getRequestURI(), request.getQueryString());         // 403, before any lookup
        Optional<AssetMeta> asset = store.find(nameOf(parsed));
        if (asset.isEmpty()) {
            chain.doFilter(request, response);                                      // a static file, maybe
            return;
        }
        ImageRequest asked = requestOf(parsed);                                     // its 400, now that it matters
        Negotiator.Negotiated out = negotiator.choose(asked, request.getHeader("Accept"));
        CachingHeaders.Headers headers = caching.of(asset.get(), asked, out);       // ETag, Cache-Control, Vary
        if (caching.notModified(headers, request, response)) {                      // 304
            return;
        }
        Rendition image = renderer.render(asset.get(), out.request());              // plan → pixels → resample → encode
        caching.set(headers, image.provisional(), response);
        respond(request, response, image.image());
    }

    private static AssetName nameOf(ParseResult parsed) {
        return switch (parsed) {
            case ParseResult.Parsed p -> p.request().name();
            case ParseResult.Rejected r -> r.name();
            case ParseResult.NotOurs n -> throw new IllegalArgumentException("not an image path");
        };
    }

    private static ImageRequest requestOf(ParseResult parsed) {
        return switch (parsed) {
            case ParseResult.Parsed p -> p.request();
            case ParseResult.Rejected r -> throw new IrisError.BadRequest(r.problem().message());
            case ParseResult.NotOurs n -> throw new IllegalArgumentException("not an image path");
        };
    }

    private static void respond(HttpServletRequest request, HttpServletResponse response, EncodedImage image)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(image.format().mediaType());
        response.setContentLength(image.bytes().length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(image.bytes());
        }
    }

    private static boolean isRead(HttpServletRequest request) {
        return request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
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
