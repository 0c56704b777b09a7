import Foundation
import RadAuditAudit
import RadAuditImageIO
import RadAuditCore

/// Writes CSV output: numbers as the shortest round-trip decimal, NaN as `NaN`, infinities as `inf`/`-inf`.
enum TableOutput {
    static func format(_ value: Double) -> String { Number.format(value) }

    /// Writes `header` and `rows` to `path` atomically (a temporary file renamed over the destination), or to
    /// standard output when `path` is nil.
    static func write(header: [String], rows: [[String]], to path: String?) throws {
        let text = CSVTable.render(header: header, rows: rows)
        if let path {
            try AtomicFile.write(text, to: path)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
