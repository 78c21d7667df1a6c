/**
 * The process: command-line entry point ({@code serve}, {@code ingest}) and the embedded Jetty 12 server that
 * hosts {@link dev.iris.web.IrisFilter}. The only package that imports Jetty.
 */
package dev.iris.server;
