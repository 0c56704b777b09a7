import ArgumentParser
import Foundation
import RadAuditReporting
import RadAuditAudit
import RadAuditProvenance

/// `radaudit report DIR`: re-renders an audit directory's report and provenance record from its tables.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render report.html and provenance.provx of an audit directory from its tables.",
        discussion: """
            Reads protocol.yaml, run.json, inputs.csv, features.csv, variants.csv, stability.csv, cases.csv, \
            errors.csv (and site_tests.csv when present) of DIR and writes DIR/report.html (self-contained HTML: \
            summary, charts, tables, IBSI reporting checklist) and DIR/provenance.provx (W3C PROV-XML, validated \
            against the embedded RadAudit schema before it is written). Acquisition metadata of the images comes from \
            acquisition.json and from extra columns of inputs.csv (patient identifiers are never written).
            """)

    @Argument(help: "Audit directory written by `radaudit audit`.") var directory: String

    func run() throws {
        do {
            let written = try AuditReportWriter.write(directory: directory, reportingToolVersion: RadAudit.version)
            print(written.report)
            print(written.provenance)
        } catch let error as AuditResultsError {
            throw TableError(error.description)
        } catch let error as ProvenanceError {
            throw TableError(error.description)
        }
    }
}
