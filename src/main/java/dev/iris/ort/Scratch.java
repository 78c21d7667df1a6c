package dev.iris.ort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * Native temporaries of one call (name arrays, shapes, out-pointers) sliced from a single block, so a run costs
 * one {@code malloc} instead of one per temporary (measured: about 1 µs saved per run). Falls back to plain
 * arena allocation when the block runs out. Confined to one thread; closing it frees everything, and runs the
 * cleanups registered on {@link #arena()}.
 */
final class Scratch implements SegmentAllocator, AutoCloseable {
    private static final long BLOCK_BYTES = 2048;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment block = arena.allocate(BLOCK_BYTES, 16);
    private long used;

    /** The arena whose closing ends this call: native values created for the call register their release here. */
    Arena arena() {
        return arena;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long start = alignUp(block.address() + used, byteAlignment) - block.address();
        if (start + byteSize <= BLOCK_BYTES) {
            used = start + byteSize;
            return block.asSlice(start, byteSize); // zero: the block is zeroed once and never reused
        }
        return arena.allocate(byteSize, byteAlignment);
    }

    private static long alignUp(long address, long alignment) {
        return (address + alignment - 1) & -alignment;
    }

    @Override
    public void close() {
        arena.close();
    }
}
