package dev.iris.image;

/** What an image file says about itself before decoding: its format name and stored (pre-rotation) size. */
public record ImageHeader(String format, int width, int height) {}
