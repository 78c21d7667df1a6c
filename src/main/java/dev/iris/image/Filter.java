package dev.iris.image;

/** Resampling kernels. When shrinking, each is widened by the scale factor (antialiasing), as MATLAB and PIL do. */
public enum Filter {
    /** Box average over the covered source area: the best choice for large integer reductions. */
    AREA,
    /** Keys cubic with a = -0.5, as MATLAB's imresize and PIL's BICUBIC: the classic baseline. */
    BICUBIC,
    /** Lanczos with a = 3: sharpest of these, for the final resize of a served image. */
    LANCZOS3
}
