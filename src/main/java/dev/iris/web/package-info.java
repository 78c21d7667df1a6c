/**
 * HTTP: the Servlet filter that serves assets at any size, the admin endpoints (ingest, health, metrics), the
 * request parser, the render pipeline and its Caffeine caches, and {@link dev.iris.web.IrisApp}, which assembles
 * all of iris from its configuration (so that a WAR can start it from {@code web.xml} alone).
 *
 * <p>The only package that imports {@code jakarta.servlet}.
 */
package dev.iris.web;
