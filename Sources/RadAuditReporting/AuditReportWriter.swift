import Foundation
import RadAuditAudit
import RadAuditConcurrency
import RadAuditImageIO
import RadAuditCore
import RadAuditProvenance

/// Writes `report.html` and `provenance.provx` of an audit directory from its tables (the end of `radaudit audit`,
/// and `radaudit report DIR`), then the paper's `methods.md`, `figures/` and `tables/` (``PaperOutputs``).
public enum AuditReportWriter {
    public static let reportName = "report.html"
    public static let provenanceName = "provenance.provx"

    /// Renders both files, validates the record, then writes both atomically. Nothing is written when the tables
    /// cannot be read or the record does not validate.
    /// - Parameters:
    ///   - directory: the audit directory (see ``AuditResults``); acquisition metadata of the images comes from its
    ///     `acquisition.json` and from extra columns of its `inputs.csv`.
    ///   - generated: the time written into both files.
    ///   - reportingToolVersion: the version of the tool rendering, recorded when it differs from the audit's.
    ///   - validator: the schema to validate with (default: the embedded RadAudit schema).
    ///   - concurrency: how many threads may work at once (`radaudit audit --jobs`).
    /// - Returns: the paths written.
    @discardableResult
    public static func write(directory: String, generated: Date = Date(), reportingToolVersion: String? = nil,
                             validator: ProvenanceValidator? = nil,
                             concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> (report: String, provenance: String) {
        let results = try AuditResults.load(directory: directory)
        let options = ProvenanceOptions(generated: generated, reportingToolVersion: reportingToolVersion)
        // The record needs the report's digest only at its end: build the rest of it while the report renders.
        let (html, unfinished) = try concurrently(width: concurrency,
                                                  { Data(AuditReport.render(results, generated: generated, concurrency: concurrency).utf8) },
                                                  { ProvenanceDocument.auditBeforeReporting(results, options: options) })
        let written = try write(report: html, record: unfinished.addingReporting(reportSHA256: SHA256Digest.hex(of: html)),
                                directory: directory, validator: validator)
        try PaperOutputs.write(results, directory: directory)
        return written
    }

    /// Validates `record`, then writes `report` and the record atomically into `directory` as `report.html` and
    /// `provenance.provx`; nothing is written when the record does not validate.
    static func write(report: Data, record: ProvenanceDocument, directory: String,
                      validator: ProvenanceValidator?) throws -> (report: String, provenance: String) {
        let base = URL(fileURLWithPath: directory)
        let reportPath = base.appendingPathComponent(reportName).path
        let provenancePath = base.appendingPathComponent(provenanceName).path
        let issues = record.issues(validatedBy: try validator ?? ProvenanceValidator.bundled(), name: provenancePath)
        guard issues.isEmpty else { throw ProvenanceError.invalid(issues) }
        try AtomicFile.write(report, to: reportPath)
        try AtomicFile.write(record.serialized(), to: provenancePath)
        return (reportPath, provenancePath)
    }
}
