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
    /// `i/N` for shard i of N, absent for a whole cohort or a merge.
    public var shard: String?
    /// SHA-256 of the protocol file the audit ran (`protocol.yaml` beside it) and of the cohort table it read:
    /// `merge` refuses shards that disagree on them, on the tool version or on the shard count.
    public var protocolSHA256: String?
    public var cohortSHA256: String?
    /// What the run warned about (also on stderr, in the report and in the record); absent when nothing.
    public var warnings: [String]?

    public init(seed: UInt64, jobs: Int, started: Date, finished: Date, shard: String? = nil, protocolSHA256: String? = nil,
                cohortSHA256: String? = nil, warnings: [String] = []) {
        self.shard = shard
        self.warnings = warnings.isEmpty ? nil : warnings
        self.protocolSHA256 = protocolSHA256
        self.cohortSHA256 = cohortSHA256
        let format = ISO8601DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        commit = ProcessInfo.processInfo.environment["RADAUDIT_COMMIT"] ?? Self.checkoutCommit() ?? "unknown"
        self.started = format.string(from: started)
        self.finished = format.string(from: finished)
        self.seed = seed
        self.jobs = jobs
    }

    /// The commit of the git checkout the running binary was built in (`<checkout>/.build/<configuration>/radaudit`,
    /// as `swift build` and `swift run` leave it), read from `.git/HEAD` and its ref; nil elsewhere (an installed
    /// binary: set `RADAUDIT_COMMIT`).
    static func checkoutCommit() -> String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let git = directory.appendingPathComponent(".git")
            if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8) {
                let line = head.trimmingCharacters(in: .whitespacesAndNewlines)
                guard line.hasPrefix("ref: ") else { return isCommit(line) ? line : nil }
                let ref = String(line.dropFirst(5))
                if let id = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
                    let id = id.trimmingCharacters(in: .whitespacesAndNewlines)
                    return isCommit(id) ? id : nil
                }
                // A packed ref.
                let packed = (try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8)) ?? ""
                for entry in packed.split(separator: "\n") where entry.hasSuffix(" " + ref) {
                    let id = String(entry.prefix(40))
                    return isCommit(id) ? id : nil
                }
                return nil
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    private static func isCommit(_ text: String) -> Bool { text.count == 40 && text.allSatisfy(\.isHexDigit) }

    /// The record of the audit in `directory`.
    public static func read(from directory: String) throws -> RunRecord {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("run.json").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CohortError(description: "\(directory): no run.json: not an audit directory")
        }
        do {
            return try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw CohortError(description: "\(path): not a RadAudit run record (\(error))")
        }
    }

    /// The shard count (`N` of `i/N`; 1 for a whole cohort).
    public var shardCount: Int { shard.flatMap { Int($0.split(separator: "/").last ?? "") } ?? 1 }

    public func write(to directory: String) throws {
        try AtomicFile.write(try JSONEncoder.radaudit().encode(self),
                             to: URL(fileURLWithPath: directory).appendingPathComponent("run.json").path)
    }
}
