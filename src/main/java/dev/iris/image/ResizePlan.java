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
        if (sourceWidth <= 0 || sourceHeight <= 0) {
            throw new IllegalArgumentException("source size must be positive, got " + sourceWidth + "x" + sourceHeight);
        }
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("requested size must not be negative, got " + width + "x" + height);
        }
        if (fit == null) {
            throw new IllegalArgumentException("fit is required");
        }
        boolean stretch = fit == Fit.FILL;
        if (width == 0 && height == 0) {
            width = sourceWidth;
            height = sourceHeight;
        } else if (width == 0) {
            width = atLeastOne((double) sourceWidth * height / sourceHeight);
            stretch = true; // only one side asked: the other follows the aspect ratio, whatever the fit
        } else if (height == 0) {
            height = atLeastOne((double) sourceHeight * width / sourceWidth);
            stretch = true;
        }
        ResizePlan plan = plan(sourceWidth, sourceHeight, width, height, fit, stretch);
        if (enlarge || !plan.enlarges(sourceWidth, sourceHeight)) {
            return plan;
        }
        // Shrink the box by the factor that brings the resize back within the source, keeping the box's shape.
        double factor = Math.min((double) sourceWidth / plan.resizeWidth, (double) sourceHeight / plan.resizeHeight);
        ResizePlan smaller = plan(sourceWidth, sourceHeight, atLeastOne(width * factor), atLeastOne(height * factor),
                fit, stretch);
        if (smaller.enlarges(sourceWidth, sourceHeight)) { // rounding went up by a pixel: round down instead
            smaller = plan(sourceWidth, sourceHeight, floorAtLeastOne(width * factor), floorAtLeastOne(height * factor),
                    fit, stretch);
        }
        return smaller.enlarges(sourceWidth, sourceHeight) ? smaller.clampedTo(sourceWidth, sourceHeight) : smaller;
    }

    private static ResizePlan plan(int srcW, int srcH, int w, int h, Fit fit, boolean stretch) {
        if (stretch) {
            return new ResizePlan(w, h, 0, 0, w, h, 0, 0, w, h);
        }
        double sx = (double) w / srcW;
        double sy = (double) h / srcH;
        switch (fit) {
            case COVER -> {
                double s = Math.max(sx, sy);
                int rw = Math.max(w, atLeastOne(srcW * s));
                int rh = Math.max(h, atLeastOne(srcH * s));
                return new ResizePlan(rw, rh, (rw - w) / 2, (rh - h) / 2, w, h, 0, 0, w, h);
            }
            case CONTAIN -> {
                double s = Math.min(sx, sy);
                int rw = Math.min(w, atLeastOne(srcW * s));
                int rh = Math.min(h, atLeastOne(srcH * s));
                return new ResizePlan(rw, rh, 0, 0, rw, rh, (w - rw) / 2, (h - rh) / 2, w, h);
            }
            case INSIDE -> {
                double s = Math.min(sx, sy);
                int rw = Math.min(w, atLeastOne(srcW * s));
                int rh = Math.min(h, atLeastOne(srcH * s));
                return new ResizePlan(rw, rh, 0, 0, rw, rh, 0, 0, rw, rh);
            }
            case OUTSIDE -> {
                double s = Math.max(sx, sy);
                int rw = Math.max(w, atLeastOne(srcW * s));
                int rh = Math.max(h, atLeastOne(srcH * s));
                return new ResizePlan(rw, rh, 0, 0, rw, rh, 0, 0, rw, rh);
            }
            default -> {
                return new ResizePlan(w, h, 0, 0, w, h, 0, 0, w, h);
            }
        }
    }

    /** Last resort against rounding: never resize past the source, trimming the crop and canvas to match. */
    private ResizePlan clampedTo(int srcW, int srcH) {
        int rw = Math.min(resizeWidth, srcW);
        int rh = Math.min(resizeHeight, srcH);
        int cw = Math.min(cropWidth, rw);
        int ch = Math.min(cropHeight, rh);
        int cx = Math.min(cropX, rw - cw);
        int cy = Math.min(cropY, rh - ch);
        int ow = Math.max(outWidth - (cropWidth - cw), cw);
        int oh = Math.max(outHeight - (cropHeight - ch), ch);
        return new ResizePlan(rw, rh, cx, cy, cw, ch, Math.min(padX, ow - cw), Math.min(padY, oh - ch), ow, oh);
    }

    private static int atLeastOne(double v) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(v)));
    }

    private static int floorAtLeastOne(double v) {
        return (int) Math.max(1, Math.floor(v + 1e-9));
    }

    /** Whether the resize step makes the image larger than the source in either direction. */
    public boolean enlarges(int sourceWidth, int sourceHeight) {
        return resizeWidth > sourceWidth || resizeHeight > sourceHeight;
    }
}
