package dev.iris.measure;

import dev.iris.model.Scale;

/**
 * One method's result on one image at one scale of an arbitrary-scale evaluation.
 *
 * @param method e.g. {@code iarn-small}, {@code bicubic→bicubic}, {@code no-training baseline (x4 core)}
 * @param psnrY  the restore's PSNR-Y against the original (8-bit, border ⌈max(s)⌉ cropped)
 * @param lrPsnr the LR's PSNR-Y against a bicubic LR of the same size; infinite for the bicubic LR itself
 */
record ScaleRow(String image, Scale scale, String method, double psnrY, double lrPsnr) {}
