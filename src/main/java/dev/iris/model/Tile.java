package dev.iris.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A tile in LR pixels: it keeps {@code [tx, tx + keepW) x [ty, ty + keepH)} (the grid's side, clipped to the
 * image) and is run over {@code [x0, x1) x [y0, y1)}, the same grown by a margin and clipped. Immutable.
 */
record Tile(int tx, int ty, int keepW, int keepH, int x0, int y0, int x1, int y1) {
    int width() {
        return x1 - x0;
    }

    int height() {
        return y1 - y0;
    }

    /**
     * Tiles of {@code side} (any positive int: a side past the image gives one tile) covering a {@code width x
     * height} LR in row order, each grown by {@code margin}.
     */
    static List<Tile> grid(int width, int height, int side, int margin) {
        List<Tile> tiles = new ArrayList<>();
        for (long ty = 0; ty < height; ty += side) {
            for (long tx = 0; tx < width; tx += side) {
                tiles.add(new Tile((int) tx, (int) ty, (int) Math.min(side, width - tx), (int) Math.min(side,
                        height - ty), (int) Math.max(0, tx - margin), (int) Math.max(0, ty - margin),
                        (int) Math.min(width, tx + side + margin), (int) Math.min(height, ty + side + margin)));
            }
        }
        return tiles;
    }
}
