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
        /// What the run warned about (inputs, protocol, study design), also in the report and the record.
        public var warnings: [String] = []
        public var cases = 0
        public var variants = 0
        /// Features robust in the pooled group (`all`, or the only group), and features scored.
        public var robust: (count: Int, of: Int) = (0, 0)
    }

    /// Warnings about a run as a whole: a protocol without perturbations, a case whose every variant failed for one
    /// reason (said once, not per variant), and what reading the inputs noticed.
    static func runWarnings(_ run: AuditRun, variantCount: Int) -> [String] {
        var warnings: [String] = []
        if variantCount <= 1 {
            warnings.append("the protocol has no perturbations: every case is extracted once and no stability can be scored "
                            + "(add a perturbations: section, protocols/README.md)")
        }
        for input in run.inputs { warnings += input.notes.map { "case '\(input.caseID)': \($0)" } }
        var reasons: [String: Set<String>] = [:], order: [String] = []
        var total: [String: Int] = [:], failures: [String: Int] = [:]
        for outcome in run.outcomes {
            if total[outcome.caseID] == nil { order.append(outcome.caseID) }
            total[outcome.caseID, default: 0] += 1
            if case .failed(let reason) = outcome.status {
                reasons[outcome.caseID, default: []].insert(reason)
                failures[outcome.caseID, default: 0] += 1
            }
        }
        for caseID in order where failures[caseID] == total[caseID] {
            guard let failed = reasons[caseID], failed.count == 1 else { continue }
            warnings.append("case '\(caseID)': every variant failed the same way: \(failed.first!)")
        }
        return warnings
    }

    /// Robust features in the decisive group (`all`, or the only group) and the features scored there.
    static func robustCounts(_ stability: [StabilityResult]) -> (count: Int, of: Int) {
        let groups = Set(stability.map(\.perturbation))
        let decisive = groups.contains(StabilityResult.allGroup) ? StabilityResult.allGroup : groups.count == 1 ? groups.first! : nil
        guard let decisive else { return (0, 0) }
        let scored = stability.filter { $0.perturbation == decisive }
        return (scored.filter(\.robust).count, scored.count)
    }

    /// Runs the audit; `plan(cases, variants)` is called once the protocol and cohort are read, before any
    /// extraction, and `progress(done, total)` after each case × variant.
    public func run(plan: (Int, Int) -> Void = { _, _ in },
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        let auditProtocol = try AuditProtocol.load(protocolPath)
        var cohort = try Cohort.load(casesPath)
        if let shard { cohort = cohort.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element) }
        if let observed = auditProtocol.observed, shard == nil {
            // A design the analysis cannot use is refused before any extraction.
            _ = try ObservedAgreement.Layout(cohort.map { ($0.id, $0.design) }, axis: observed.raters)
        }
        let runner = AuditRunner(auditProtocol: auditProtocol, cases: cohort, outputDirectory: output, jobs: jobs,
                                 resume: resume, exportVariants: exportVariants)
        if let required = auditProtocol.stability.required {
            // The groups the audit will score: each perturbation kind and chain, and `all` when there are several.
            var groups: [String] = []
            for variant in runner.variants where variant.id != "original" && !groups.contains(variant.perturbation) {
                groups.append(variant.perturbation)
            }
            if groups.count > 1 { groups.append(StabilityResult.allGroup) }
            if let unknown = required.first(where: { !groups.contains($0) }) {
                throw ProtocolError(path: protocolPath, problem: "stability.required: '\(unknown)' is not a perturbation group of "
                                    + "this protocol (groups: \(groups.joined(separator: ", ")))")
            }
        }
        try Self.open(output, protocolPath: protocolPath)
        plan(cohort.count, runner.variants.count)
        let started = Date()
        let run = try runner.run(progress: progress)
        let tables = AuditTables(run: run, cases: cohort)
        let identity = RunIdentity(shard: shard.map { "\($0.index)/\($0.count)" }, protocolSHA256: try Self.digest(protocolPath),
                                   cohortSHA256: try Self.digest(casesPath))
        let overlap = auditProtocol.observed?.raters == .observer && shard == nil ? ObserverOverlap.warnings(for: cohort) : []
        let warnings = Self.runWarnings(run, variantCount: runner.variants.count)
        var stabilityResults: [StabilityResult] = []
        let study = try Self.publish({ stability in
            stabilityResults = try tables.write(to: output, stability: stability, extraction: auditProtocol.extraction,
                                                concurrency: jobs)
            return (tables, stabilityResults)
        }, to: output, auditProtocol: auditProtocol, identity: identity, jobs: jobs, concurrency: jobs, started: started,
           designWarnings: overlap, runWarnings: warnings)
        return Summary(runs: run.outcomes.count, skipped: tables.errors.count - tables.failures.count,
                       failed: tables.failures.count, warnings: warnings + (study?.warnings ?? []), cases: cohort.count,
                       variants: runner.variants.count, robust: Self.robustCounts(stabilityResults))
    }

    /// `radaudit merge`: the tables of finished shard audits joined in cohort order, stability scored over all
    /// cases with the rule of `protocolPath` (default: the first directory's protocol), then the report, the record
    /// and the manifest, in `output`.
    ///
    /// The observed analysis (``ObservedStudy``) runs here for sharded audits, where a subject's rows may sit in
    /// different shards; whether observers' masks overlap is checked only by unsharded runs (a warning says so).
    ///
    /// - Parameter progress: called with (cases joined, cases) as `features.csv` is streamed.
    /// - Parameter partial: merge even when some shards `i/N` of the audit are not among `directories` (a warning
    ///   names them); otherwise that is refused before anything is written.
    @discardableResult
    public static func merge(_ directories: [String], output: String, protocolPath: String? = nil, partial: Bool = false,
                             progress: (Int, Int) -> Void = { _, _ in }) throws -> [String] {
        guard let first = directories.first else { throw CohortError(description: "name at least one audit directory") }
        for directory in directories { try AuditManifest.requireComplete(directory) }
        let records = try directories.map { try RunRecord.read(from: $0) }
        try requireConsistentShards(directories, records)
        var mergeWarnings: [String] = []
        let count = records[0].shardCount
        let present = Set(records.compactMap { $0.shard })
        let missing = (1...count).map { "\($0)/\(count)" }.filter { count > 1 && !present.contains($0) }
        if !missing.isEmpty {
            let listed = missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? " and \(missing.count - 10) more" : "")
            guard partial else {
                throw CohortError(description: "shard(s) \(listed) of the audit are missing from the directories given: name "
                                  + "every shard's directory (or pass --partial to merge the others)")
            }
            mergeWarnings.append("shard(s) \(listed) are missing: the merged audit covers only the shards given")
        }
        let protocolPath = protocolPath ?? URL(fileURLWithPath: first).appendingPathComponent("protocol.yaml").path
        let auditProtocol = try AuditProtocol.load(protocolPath)
        let merge = try ShardMerge(directories: directories)
        try open(output, protocolPath: protocolPath)
        // A merge is recorded as one job; its tables and report use every core, as they did.
        let identity = RunIdentity(shard: nil, protocolSHA256: try digest(protocolPath), cohortSHA256: records[0].cohortSHA256)
        let unchecked = auditProtocol.observed?.raters == .observer
            ? ["observers' masks were not checked for overlap (sharded audit): run `radaudit audit` without --shard to check"] : []
        let started = Date()
        let study = try publish({ stability in
            try merge.write(to: output, stability: stability, extraction: auditProtocol.extraction, progress: progress)
        }, to: output, auditProtocol: auditProtocol, identity: identity, jobs: 1,
           concurrency: ProcessInfo.processInfo.activeProcessorCount, started: started, designWarnings: unchecked,
           runWarnings: mergeWarnings)
        return mergeWarnings + (study?.warnings ?? [])
    }

    /// What identifies the audit a directory belongs to, recorded in its `run.json`.
    private struct RunIdentity {
        var shard: String?
        var protocolSHA256: String
        var cohortSHA256: String?
    }

    /// The SHA-256 of a file's bytes.
    private static func digest(_ path: String) throws -> String {
        SHA256Digest.hex(of: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Refuses directories that are not shards of one audit: a different tool version, protocol, cohort table or
    /// shard count than the first directory's, or a shard that appears twice. The message names the directory and
    /// the field.
    private static func requireConsistentShards(_ directories: [String], _ records: [RunRecord]) throws {
        let reference = records[0]
        var seen: [String: String] = [:]
        for (directory, record) in zip(directories, records) {
            let fields: [(String, String?, String?)] = [
                ("tool version", reference.version, record.version),
                ("protocol (SHA-256 of protocol.yaml)", reference.protocolSHA256, record.protocolSHA256),
                ("cohort table (SHA-256)", reference.cohortSHA256, record.cohortSHA256),
                ("shard count", String(reference.shardCount), String(record.shardCount)),
            ]
            for (field, expected, found) in fields where expected != found {
                throw CohortError(description: "\(directory): \(field) is \(found ?? "not recorded") where \(directories[0]) has "
                                  + "\(expected ?? "none recorded"): not a shard of the same audit")
            }
            if let shard = record.shard {
                if let other = seen[shard] {
                    throw CohortError(description: "\(directory): shard \(shard) is also \(other)")
                }
                seen[shard] = directory
            }
        }
    }

    /// Creates the audit directory `output`, removes its manifest (until the manifest is written again at the end,
    /// the directory is not a finished audit) and copies the protocol into it.
    private static func open(_ output: String, protocolPath: String) throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try AuditManifest.invalidate(output)
        try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: protocolPath)),
                             to: URL(fileURLWithPath: output).appendingPathComponent("protocol.yaml").path)
    }

    /// Writes the tables with their stability, the observed-study tables (not for a shard: a subject's rows may be
    /// in other shards), `run.json` (recording `jobs`), the report and the record on up to `concurrency` threads, and
    /// the manifest last.
    ///
    /// - Parameter writeTables: writes the tables under the given stability rule and returns them (the feature rows
    ///   of at least the original extraction) with the stability results.
    private static func publish(_ writeTables: (StabilitySettings) throws -> (AuditTables, [StabilityResult]), to output: String,
                                auditProtocol: AuditProtocol, identity: RunIdentity, jobs: Int, concurrency: Int,
                                started: Date, designWarnings: [String], runWarnings: [String] = []) throws -> ObservedStudy? {
        // The tables are released before the report is rendered (from the files just written).
        let study: ObservedStudy? = try {
            let (tables, stability) = try writeTables(auditProtocol.stability)
            return identity.shard != nil ? nil
                : try ObservedStudy.write(to: output, features: tables.features, inputs: tables.inputs, stability: stability,
                                          settings: auditProtocol.observed, extraWarnings: designWarnings)
        }()
        try RunRecord(seed: auditProtocol.seed ?? AuditProtocol.defaultSeed, jobs: jobs, started: started, finished: Date(),
                      shard: identity.shard, protocolSHA256: identity.protocolSHA256, cohortSHA256: identity.cohortSHA256,
                      warnings: runWarnings).write(to: output)
        try AuditReportWriter.write(directory: output, concurrency: concurrency)
        try AuditManifest.write(output)
        return study
    }
}
