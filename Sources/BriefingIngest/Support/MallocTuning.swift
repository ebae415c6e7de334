import CLinuxShim

/// Memory of one extraction goes back to the system when it is freed.
public enum MallocTuning {
    /// Allocations from 1 MiB up (the text, its scalar arrays, the snapshot JSON) are mapped on
    /// their own and unmapped on free. glibc otherwise raises this threshold after the first such
    /// free, and the next large buffers come from the heap, which fragments and keeps the peak
    /// (`make bench`, extract peak RSS).
    public static func returnLargeBlocks() {
        _ = briefingd_set_mmap_threshold(1 << 20)
    }
}
