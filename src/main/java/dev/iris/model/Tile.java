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
        return grid(0, 0, width, height, width, height, side, margin);
    }

    /**
     * Tiles of {@code side} covering {@code [wx0, wx1) x [wy0, wy1)} of a {@code width x height} LR in row order,
     * each grown by {@code margin} and clipped to the LR: a window restored alone runs a grid laid over the window
     * itself, not the tiles of the whole image that meet it, which would run up to a tile's side more on each edge.
     */
    static List<Tile> grid(int wx0, int wy0, int wx1, int wy1, int width, int height, int side, int margin) {
        List<Tile> tiles = new ArrayList<>();
        for (long ty = wy0; ty < wy1; ty += side) {
            for (long tx = wx0; tx < wx1; tx += side) {
                tiles.add(new Tile((int) tx, (int) ty, (int) Math.min(side, wx1 - tx), (int) Math.min(side,
                        wy1 - ty), (int) Math.max(0, tx - margin), (int) Math.max(0, ty - margin),
                        (int) Math.min(width, Math.min(wx1, tx + side) + margin),
                        (int) Math.min(height, Math.min(wy1, ty + side) + margin)));
            }
        }
        return tiles;
    }
}
