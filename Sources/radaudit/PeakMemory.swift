import Foundation

/// The process's peak resident memory, for the closing summaries (what a cluster job's memory request must cover).
enum PeakMemory {
    /// `VmHWM` of `/proc/self/status` in bytes (Linux), the high-water mark of this program's own address space;
    /// nil where it cannot be read. (`getrusage`'s `ru_maxrss` is not used: it keeps the peak of the process that
    /// started this one, from before `exec`.)
    static var residentBytes: Int? {
        // Read to the end rather than by size: procfs files report a size of 0.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return nil }
        defer { try? handle.close() }
        let status = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// `peak memory N MB; `, or nothing where unknown.
    static var summaryClause: String {
        residentBytes.map { "peak memory \(($0 + 524_288) / 1_048_576) MB; " } ?? ""
    }
}
