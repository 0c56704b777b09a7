import Foundation
import RadAuditAudit
import RadAuditCore

/// The whole of `radaudit audit` as one library call: the protocol and cohort are read, every case × variant is
/// perturbed and extracted, then the tables, `run.json`, the report and the provenance record are written.
public struct AuditPipeline: Sendable {
    /// The protocol file (YAML).
    public var protocolPath: String
    /// The cohort table.
    public var casesPath: String
    /// The audit directory to write.
    public var output: String
    public var jobs: Int
    public var resume: Bool
    /// Shard `index` (1-based) of `count`: the cases whose position modulo `count` is `index − 1`.
    public var shard: (index: Int, count: Int)?
    public var exportVariants: Bool

    public init(protocolPath: String, casesPath: String, output: String, jobs: Int, resume: Bool = false,
                shard: (index: Int, count: Int)? = nil, exportVariants: Bool = false) {
        self.protocolPath = protocolPath
        self.casesPath = casesPath
        self.output = output
        self.jobs = max(1, jobs)
        self.resume = resume
        self.shard = shard
        self.exportVariants = exportVariants
    }

    /// What a run did: its case × variant count, and the variants skipped and failed (listed in `errors.csv`).
    public struct Summary: Sendable {
        public var runs: Int
        public var skipped: Int
        public var failed: Int
    }

    /// Runs the audit; `plan(cases, variants)` is called once the protocol and cohort are read, before any
    /// extraction, and `progress(done, total)` after each case × variant.
    public func run(plan: (Int, Int) -> Void = { _, _ in },
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        let auditProtocol = try AuditProtocol.load(protocolPath)
        var cohort = try Cohort.load(casesPath)
        if let shard { cohort = cohort.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        // Until the manifest is written again at the end, the directory is not a finished audit.
        try AuditManifest.invalidate(output)
        try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: protocolPath)),
                             to: URL(fileURLWithPath: output).appendingPathComponent("protocol.yaml").path)
        let runner = AuditRunner(auditProtocol: auditProtocol, cases: cohort, outputDirectory: output, jobs: jobs,
                                 resume: resume, exportVariants: exportVariants)
        plan(cohort.count, runner.variants.count)
        let started = Date()
        let run = try runner.run(progress: progress)
        let tables = AuditTables(run: run, cases: cohort)
        _ = try tables.write(to: output, stability: auditProtocol.stability, concurrency: jobs)
        try RunRecord(seed: runner.seed, jobs: jobs, started: started, finished: Date()).write(to: output)
        try AuditReportWriter.write(directory: output, concurrency: jobs)
        try AuditManifest.write(output)
        return Summary(runs: run.outcomes.count, skipped: tables.errors.count - tables.failures.count,
                       failed: tables.failures.count)
    }

    /// `radaudit merge`: the tables of finished shard audits joined in cohort order, stability scored over all
    /// cases with the rule of `protocolPath` (default: the first directory's protocol), then the report, the record
    /// and the manifest, in `output`.
    public static func merge(_ directories: [String], output: String, protocolPath: String? = nil) throws {
        guard let first = directories.first else { throw CohortError(description: "name at least one audit directory") }
        for directory in directories { try AuditManifest.requireComplete(directory) }
        let protocolPath = protocolPath ?? URL(fileURLWithPath: first).appendingPathComponent("protocol.yaml").path
        let auditProtocol = try AuditProtocol.load(protocolPath)
        let tables = try AuditTables(directories: directories)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try AuditManifest.invalidate(output)
        try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: protocolPath)),
                             to: URL(fileURLWithPath: output).appendingPathComponent("protocol.yaml").path)
        let started = Date()
        _ = try tables.write(to: output, stability: auditProtocol.stability)
        try RunRecord(seed: auditProtocol.seed ?? AuditProtocol.defaultSeed, jobs: 1, started: started, finished: Date())
            .write(to: output)
        try AuditReportWriter.write(directory: output)
        try AuditManifest.write(output)
    }
}
