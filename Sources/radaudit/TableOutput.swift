import CSV
import Foundation

/// Writes CSV output: numbers as the shortest round-trip decimal, NaN as `NaN`, infinities as `inf`/`-inf`.
enum TableOutput {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    /// Writes `header` and `rows` to `path` atomically: a temporary file in the same directory renamed over
    /// the destination, so a reader never sees a half-written table.
    static func write(header: [String], rows: [[String]], to path: String) throws {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        stream.close()
        guard var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else {
            throw TableError("\(path): cannot format the output")
        }
        data.append(contentsOf: Array("\n".utf8))
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TableError("\(path): cannot write the output (\(error.localizedDescription))")
        }
    }
}
