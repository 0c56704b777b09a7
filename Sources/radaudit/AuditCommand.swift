import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditReporting

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Perturb every case of a cohort, re-extract its features and score their stability.",
        discussion: """
            Writes DIR/features.csv, variants.csv, stability.csv, errors.csv, cases.csv, inputs.csv, run.json, \
            protocol.yaml, report.html (self-contained) and provenance.provx (W3C PROV-XML, validated). A case \
            that fails is listed in errors.csv and the rest completes; the exit status is then 3. A variant whose \
            perturbation cannot apply (e.g. an erosion that empties the ROI) is skipped and listed as such. Every random \
            draw is seeded from (protocol seed, case id, variant id), recorded in variants.csv.
            """)

    @Option(help: "Protocol YAML with extraction:, perturbations: and stability: sections.")
    var `protocol`: String

    @Option(help: "Cohort table: case_id,image,mask and optional site,label,roi.")
    var cases: String

    @Option(help: "Output directory.")
    var output: String

    @Option(help: "Threads the run may use: case × variant extractions in parallel, then the tables and the report.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Continue in DIR: reuse finished case × variant results whose inputs and settings hash the same.")
    var resume = false

    @Flag(help: "Write into DIR even if it holds files (without it, or --resume, a non-empty DIR is refused).")
    var overwrite = false

    @Option(help: "Process only shard i of N (1-based), e.g. 2/8: cases whose position modulo N is i − 1.")
    var shard: Shard?

    @Flag(help: "Write each variant's image and mask as NIfTI under DIR/variants/ for visual checks.")
    var exportVariants = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        try OutputDirectory.check(output, overwrite: overwrite, resume: resume)
        let pipeline = AuditPipeline(protocolPath: `protocol`, casesPath: cases, output: output, jobs: jobs, resume: resume,
                                     shard: shard.map { ($0.index, $0.count) }, exportVariants: exportVariants)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) != 0)
        let summary = try pipeline.run(plan: { cases, variants in
            FileHandle.standardError.write(Data("radaudit: \(cases) case(s) × \(variants) variant(s) = \(cases * variants) extractions\n".utf8))
            bar.estimateAfter(variants)
        }, progress: { done, total in bar.update(done, of: total) })
        bar.finish()
        for warning in summary.warnings { warn(warning) }
        if summary.skipped > 0 {
            FileHandle.standardError.write(Data("radaudit: \(summary.skipped) variant(s) skipped; see \(output)/errors.csv\n".utf8))
        }
        if summary.failed > 0 {
            FileHandle.standardError.write(Data("radaudit: \(summary.failed) of \(summary.runs) case × variant runs failed; see \(output)/errors.csv\n".utf8))
        }
        let robust = summary.robust.of > 0 ? "\(summary.robust.count) of \(summary.robust.of) features robust; " : ""
        FileHandle.standardError.write(Data(("radaudit: audited \(summary.cases) case(s) × \(summary.variants) variant(s): "
            + "\(summary.runs - summary.failed - summary.skipped) extracted, \(summary.failed) failed, \(summary.skipped) skipped; "
            + "\(robust)\(summary.warnings.count) warning(s); \(PeakMemory.summaryClause)report: \(output)/report.html\n").utf8))
        if summary.failed > 0 { throw ExitCode(3) }
    }
}

/// `i/N`: shard `i` (1-based) of `N`.
struct Shard: ExpressibleByArgument {
    var index: Int
    var count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
        (index, count) = (i, n)
    }
}

/// A one-line progress bar with an ETA on a terminal; elsewhere (a log file, a batch job) one line estimating the
/// remaining time once the first case's worth of extractions is done.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    /// Extractions after which the estimate line is printed (off a terminal); 0 once printed or when unset.
    private var estimatePoint = 0
    /// What is counted, e.g. `case × variants`.
    private let unit: String
    /// Off a terminal, a line at every tenth of the work (merges, which have no per-case estimate point).
    private let reportsTenths: Bool
    private var tenthsReported = 0

    init(enabled: Bool, unit: String = "case × variants", reportsTenths: Bool = false) {
        self.enabled = enabled
        self.unit = unit
        self.reportsTenths = reportsTenths
    }

    /// Prints the estimate after `extractions` (the variants of one case).
    func estimateAfter(_ extractions: Int) { lock.withLock { estimatePoint = max(1, extractions) } }

    func update(_ done: Int, of total: Int) {
        if !enabled && reportsTenths {
            let tenth = total > 0 ? 10 * done / total : 0
            let due = lock.withLock { () -> Bool in
                guard tenth > tenthsReported else { return false }
                tenthsReported = tenth
                return true
            }
            if due {
                FileHandle.standardError.write(Data(String(format: "radaudit: %d of %d %@ in %.1f s\n", done, total, unit,
                                                           Date().timeIntervalSince(start)).utf8))
            }
        } else if !enabled {
            let due = lock.withLock { () -> Bool in
                guard estimatePoint > 0, done >= estimatePoint, done < total else { return false }
                estimatePoint = 0
                return true
            }
            if due {
                let elapsed = Date().timeIntervalSince(start)
                let remaining = elapsed / Double(done) * Double(total - done)
                FileHandle.standardError.write(Data(String(format: "radaudit: %d of %d extractions in %.1f s; about %.0f s to go\n",
                                                           done, total, elapsed, remaining).utf8))
            }
        }
        guard enabled, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = String(format: "%d:%02d", Int(remaining) / 60, Int(remaining) % 60)
        lock.withLock { FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(unit), ETA \(eta) ".utf8)) }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
