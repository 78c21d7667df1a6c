package dev.iris.measure;

/**
 * One closed-loop load run through the real server. Immutable.
 *
 * @param label   what was served, for the report
 * @param path    the path pattern requested ({@code {name}} stands for each demo image in turn)
 * @param result  what the separate load generator process measured
 */
record ThroughputRow(String label, String path, LoadResult result) {}
