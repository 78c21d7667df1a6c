/**
 * Measurement commands: {@code eval} (quality and stored bytes against what a user would pick instead) and
 * {@code bench} (speed and memory of the model path and of the server). They use the same code paths as serving
 * and write their results to {@code docs/}.
 */
package dev.iris.bench;
