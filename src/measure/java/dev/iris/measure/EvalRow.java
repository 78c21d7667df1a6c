package dev.iris.measure;

/**
 * One method's result on one image.
 *
 * @param method       e.g. {@code iris irn-x2-small}, {@code bicubic→bicubic}, {@code JPEG q85}
 * @param storedBytes  bytes stored for the image by this method
 * @param bitsPerPixel {@code 8 * storedBytes} per original pixel
 * @param lrPsnr       the LR's PSNR-Y against a bicubic LR of the same size; NaN where there is no LR
 */
record EvalRow(String image, String method, long storedBytes, double bitsPerPixel, double psnrY,
        double psnrRgb, double ssimY, double lrPsnr) {}
