import CSV
import Foundation
import RadAuditFeatures
import RadAuditImageIO

/// Writing tables of numbers as CSV, the way every RadAudit command does.
enum FeatureTable {
    /// Shortest decimal that round-trips the Double; `NaN`, `inf`, `-inf` for the special values.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// CSV text of a header and rows.
    static func csv(header: [String], rows: [[String]]) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes `text` to `path` atomically, or to standard output when `path` is nil.
    static func emit(_ text: String, to path: String?) throws {
        if let path {
            try AtomicFile.write(text, to: path)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static let featureHeader = ["family", "feature", "ibsi_code", "aggregation", "value"]

    static func featureRow(_ f: Feature) -> [String] {
        [f.family.rawValue, f.name, f.code, f.aggregation.rawValue, format(f.value)]
    }
}
