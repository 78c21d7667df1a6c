package dev.iris.image;

/**
 * The steps that turn a source image into the requested output: resize the whole source to
 * {@code resizeWidth x resizeHeight}, take the {@code cropWidth x cropHeight} window at (cropX, cropY) of that
 * (the whole resized image when nothing is cropped), and place it at (padX, padY) on a
 * {@code outWidth x outHeight} canvas (the same size when nothing is padded).
 */
public record ResizePlan(int resizeWidth, int resizeHeight, int cropX, int cropY, int cropWidth, int cropHeight,
        int padX, int padY, int outWidth, int outHeight) {

    /**
     * The plan for a {@code sourceWidth x sourceHeight} image asked to fit a box.
     *
     * @param width   requested width, or 0 for "follow the aspect ratio" (both 0: the source size)
     * @param height  requested height, or 0 likewise
     * @param enlarge whether the result may be larger than the source; when not, a box larger than the source is
     *                shrunk (keeping its aspect ratio) until the image needs no enlargement
     */
    public static ResizePlan of(int sourceWidth, int sourceHeight, int width, int height, Fit fit, boolean enlarge) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Whether the resize step makes the image larger than the source in either direction. */
    public boolean enlarges(int sourceWidth, int sourceHeight) {
        return resizeWidth > sourceWidth || resizeHeight > sourceHeight;
    }
}
