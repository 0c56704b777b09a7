#if canImport(Glibc)
import Glibc
#endif

/// Tuning of the C allocator for radaudit's work.
enum Allocator {
    /// Turns glibc's fast bins off (`mallopt(M_MXFAST, 0)`; the per-thread caches still serve small allocations).
    /// With them, a large allocation or free after many small frees walks every freed chunk (`malloc_consolidate`):
    /// releasing an audit's report and provenance record took 40 ms, a sixth of writing them. Nothing happens on
    /// other C libraries.
    static func tune() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mxfast: Int32 = 1  // M_MXFAST in <malloc.h>
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mxfast, 0)
        #endif
    }
}
