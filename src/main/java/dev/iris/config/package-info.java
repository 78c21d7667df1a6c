/**
 * iris's configuration: one typed record of records ({@link dev.iris.config.IrisConfig}) read from
 * {@code conf/iris.properties} by one loader, which validates every key and reports all bad ones together.
 * Each component receives only its own part.
 */
package dev.iris.config;
