import Foundation
import RadAuditImageIO
import RadAuditCore

/// `run.json`: who ran the audit, when (UTC) and with which seed. The only output with timestamps; the tables
/// stay byte-identical between runs.
public struct RunRecord: Codable, Sendable {
    public var tool = "radaudit"
    public var version = AuditRunner.toolVersion
    /// The source commit the tool was built from, when the build recorded it (`RADAUDIT_COMMIT` at run time).
    public var commit: String
    public var started: String
    public var finished: String
    public var seed: UInt64
    public var jobs: Int

    public init(seed: UInt64, jobs: Int, started: Date, finished: Date) {
        let format = ISO8601DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        commit = ProcessInfo.processInfo.environment["RADAUDIT_COMMIT"] ?? "unknown"
        self.started = format.string(from: started)
        self.finished = format.string(from: finished)
        self.seed = seed
        self.jobs = jobs
    }

    public func write(to directory: String) throws {
        try AtomicFile.write(try JSONEncoder.radaudit().encode(self),
                             to: URL(fileURLWithPath: directory).appendingPathComponent("run.json").path)
    }
}
