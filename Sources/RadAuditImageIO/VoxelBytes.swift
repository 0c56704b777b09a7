import Foundation

/// The bytes of a file that hold its voxels: read into memory, or inflated from a gzip stream on a background
/// thread as soon as the file is opened.
///
/// Readers wait only for the bytes they use: the part of a large compressed image around a region of interest is
/// ready long before the whole stream is inflated, and meanwhile the caller reads the mask on the other core.
/// Whoever reads a part must call `verify()` before trusting it: it waits for the end of the stream, where zlib
/// checks every member's CRC-32 and length, and rethrows what went wrong. Reading everything verifies.
final class VoxelBytes: @unchecked Sendable {
    private enum Storage {
        case memory(Data)
        case inflated(UnsafeMutableRawBufferPointer)
    }

    private let storage: Storage
    /// Bytes kept from the start of the decompressed data.
    let count: Int
    private let condition = NSCondition()
    /// Bytes ready from the start; they never change once ready (guarded by `condition`).
    private var ready: Int
    private var isFinished: Bool
    private var failure: ImageIOError?

    /// Bytes already in memory.
    init(_ data: Data) {
        storage = .memory(data)
        count = data.count
        ready = data.count
        isFinished = true
    }

    /// Starts inflating the rest of `inflater`'s stream on a background thread, after `head` (bytes it has already
    /// produced, all it has produced). The first `count` bytes are kept; the rest is inflated, so that the stream is checked, and dropped.
    ///
    /// - Parameter shortage: the error when the stream holds only the given number of bytes, fewer than `count`.
    /// - Parameter hugePages: back a buffer of several MiB by transparent huge pages (see `allocateInflated`).
    init(inflating inflater: GzipInflater, after head: Data, keeping count: Int, hugePages: Bool = false,
         shortage: @escaping @Sendable (Int) -> ImageIOError) {
        precondition(head.count == inflater.produced, "the head must be what the inflater produced")
        self.count = count
        guard count <= head.count + inflater.maximumRemainingOutput else {
            // The stream cannot hold that many bytes: measure how many it has rather than allocate for them.
            storage = .memory(Data())
            ready = 0
            isFinished = true
            do { failure = shortage(head.count + (try inflater.finish())) } catch { failure = error as? ImageIOError }
            return
        }
        // A single gzip member that holds at least `count` bytes is inflated whole by libdeflate (into a buffer of
        // the member's length); zlib streams anything else, and takes over if libdeflate refuses the stream.
        let whole = inflater.isFinished ? nil : inflater.gzipInput.flatMap { input in
            Gzip.trailerSize(input).flatMap { $0 >= count && $0 <= head.count + inflater.maximumRemainingOutput ? (input, $0) : nil }
        }
        let buffer = Self.allocateInflated(max(whole?.1 ?? count, count, 1), hugePages: hugePages)
        let kept = min(head.count, count)
        if kept > 0 { head.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: kept) } }
        storage = .inflated(buffer)
        ready = kept
        isFinished = inflater.isFinished
        if isFinished {
            failure = kept < count ? shortage(kept) : nil
            return
        }
        let transfer = UncheckedTransfer((inflater, buffer))
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            if let (input, size) = whole,
               WholeGzip.inflate(input, into: UnsafeMutableRawBufferPointer(rebasing: transfer.value.1[0..<size])) {
                condition.lock()
                ready = self.count
                isFinished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            // libdeflate may have written into the buffer: the head is put back before zlib goes on after it.
            if whole != nil, kept > 0 {
                head.withUnsafeBytes { transfer.value.1.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: kept) }
            }
            inflateRest(transfer.value.0, into: transfer.value.1, shortage: shortage)
        }
    }

    deinit {
        if case .inflated(let buffer) = storage { buffer.deallocate() }
    }

    /// A buffer for inflated voxels. With `hugePages`, one of several MiB is aligned to 2 MiB and offered to
    /// transparent huge pages (`MADV_HUGEPAGE`), so that filling it faults a page per 2 MiB instead of one per 4 KiB
    /// (lung2's 32 MB: 16 faults instead of 7 800, a tenth of its inflate time). That suits a process that reads
    /// one image; a long audit, whose memory the kernel must compact for each huge page, ran 5 % slower with it.
    private static func allocateInflated(_ byteCount: Int, hugePages: Bool) -> UnsafeMutableRawBufferPointer {
        let hugePage = 2 << 20
        guard hugePages, byteCount >= 4 * hugePage else { return .allocate(byteCount: byteCount, alignment: 64) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: hugePage)
        _ = madvise(buffer.baseAddress, byteCount / hugePage * hugePage, MADV_HUGEPAGE)
        return buffer
    }

    /// Calls `body` with the bytes in `range` of the decompressed data, once they are ready.
    ///
    /// - Throws: what stopped the stream before `range.upperBound`; corruption after it shows in `verify()`.
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "bytes \(range) beyond the \(count) kept")
        condition.lock()
        while ready < range.upperBound && !isFinished { condition.wait() }
        let available = ready, failure = failure
        condition.unlock()
        guard available >= range.upperBound else { throw failure ?? ImageIOError("", "the data ended early") }
        switch storage {
        case .memory(let data):
            return try data.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        case .inflated(let buffer):
            return try body(UnsafeRawBufferPointer(rebasing: buffer[range]))
        }
    }

    /// Waits for the end of the stream and throws if it was corrupt, truncated or too short.
    func verify() throws {
        condition.lock()
        while !isFinished { condition.wait() }
        let failure = failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// The background work: inflate into the kept buffer in steps of 1 MiB, telling waiting readers after each, then
    /// inflate what follows into a scratch buffer so that the stream is checked to its end.
    private func inflateRest(_ inflater: GzipInflater, into buffer: UnsafeMutableRawBufferPointer,
                             shortage: (Int) -> ImageIOError) {
        let step = 1 << 20
        var produced = ready
        var failure: ImageIOError?
        do {
            while !inflater.isFinished && produced < count {
                let part = UnsafeMutableRawBufferPointer(rebasing: buffer[produced..<min(produced + step, count)])
                produced += try inflater.inflate(into: part)
                condition.lock()
                ready = produced
                condition.broadcast()
                condition.unlock()
            }
            if produced < count {
                failure = shortage(produced)
            } else {
                try inflater.finish()
            }
        } catch {
            failure = error as? ImageIOError ?? ImageIOError("", "\(error)")
        }
        condition.lock()
        // What a failing step wrote before the failure is good: readers of it go on, readers past it get the error.
        ready = min(max(ready, inflater.produced), count)
        self.failure = failure
        isFinished = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands a value that is used by one thread at a time to another thread.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
