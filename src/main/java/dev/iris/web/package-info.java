/**
 * HTTP: the Servlet filter that serves assets at any size (its {@code serve} method reads as the request's steps), the admin endpoints (ingest, health, metrics), request parsing, URL signatures, content
 * negotiation, caching headers and the one mapping of failures to responses. It serves the components that
 * {@code dev.iris.app} assembled ({@link dev.iris.web.IrisServices}) and builds none itself.
 *
 * <p>The only package that imports {@code jakarta.servlet}, apart from the WAR's listener in {@code dev.iris.app}.
 */
package dev.iris.web;
