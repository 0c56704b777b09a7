import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditReporting

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the directories of sharded audits and compute stability over all cases.")

    @Argument(help: "Audit directories written by `radaudit audit --shard`.")
    var directories: [String]

    @Option(help: "Output directory.")
    var output: String

    @Option(help: "Protocol for the stability rule (default: protocol.yaml of the first directory).")
    var `protocol`: String?

    @Flag(help: "Write into the output directory even if it holds files.")
    var overwrite = false

    @Flag(help: "Merge even when shards of the audit are missing (a warning names them); without it that is refused.")
    var partial = false

    func run() throws {
        guard !directories.isEmpty else { throw ValidationError("name at least one audit directory") }
        try OutputDirectory.check(output, overwrite: overwrite)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) != 0, unit: "cases merged", reportsTenths: true)
        let warnings = try AuditPipeline.merge(directories, output: output, protocolPath: `protocol`, partial: partial) { done, total in
            bar.update(done, of: total)
        }
        bar.finish()
        for warning in warnings { warn(warning) }
        FileHandle.standardError.write(Data(("radaudit: merged \(directories.count) shard(s); \(warnings.count) warning(s); "
                                             + "report: \(output)/report.html\n").utf8))
    }
}
