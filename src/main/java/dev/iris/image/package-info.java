/**
 * Pixels without a model: decoding whatever users upload into 8-bit sRGB, fitting and resampling to the size a
 * request asks for, encoding to PNG, JPEG or WebP, and measuring quality (PSNR, SSIM).
 *
 * <p>Runs without a container and without ORT.
 */
package dev.iris.image;
