/**
 * The process: command-line entry point ({@code serve}, {@code ingest}) and the embedded Jetty 12 server that
 * hosts {@link dev.iris.web.IrisFilter}. The only shipped package that imports Jetty (measurement, outside the
 * shipped jar, starts its own baseline Jetty).
 */
package dev.iris.server;
