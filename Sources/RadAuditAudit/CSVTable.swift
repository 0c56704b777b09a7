import CSV
import Foundation

/// CSV text of a header and rows (RFC 4180 quoting by CSV.swift), newline-terminated.
public enum CSVTable {
    public static func render(header: [String], rows: [[String]]) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Rows of a CSV file with a header, as dictionaries.
    public static func read(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CohortError(description: "\(path): " + (FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "no such file"))
        }
        let reader = try CSVReader(string: text, hasHeaderRow: true)
        let header = reader.headerRow ?? []
        var rows: [[String: String]] = []
        while let row = reader.next() {
            var record: [String: String] = [:]
            for (name, value) in zip(header, row) { record[name] = value }
            rows.append(record)
        }
        if let error = reader.error { throw CohortError(description: "\(path): \(error)") }
        return (header, rows)
    }
}
