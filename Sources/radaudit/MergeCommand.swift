import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditImageIO
import RadAuditReporting
import RadAuditCore

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

    func run() throws {
        guard let first = directories.first else { throw ValidationError("name at least one audit directory") }
        let protocolPath = `protocol` ?? URL(fileURLWithPath: first).appendingPathComponent("protocol.yaml").path
        let auditProtocol = try AuditProtocol.load(protocolPath)
        let tables = try AuditTables(directories: directories)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try AtomicFile.write(try Data(contentsOf: URL(fileURLWithPath: protocolPath)),
                             to: URL(fileURLWithPath: output).appendingPathComponent("protocol.yaml").path)
        let started = Date()
        _ = try tables.write(to: output, stability: auditProtocol.stability)
        try RunRecord(seed: auditProtocol.seed ?? AuditProtocol.defaultSeed, jobs: 1, started: started, finished: Date())
            .write(to: output)
        try AuditReportWriter.write(directory: output)
    }
}
