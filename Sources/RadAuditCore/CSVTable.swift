import Foundation

/// CSV tables as RFC 4180 describes them: fields separated by commas, records by LF or CRLF; a field in double
/// quotes may hold commas, line breaks and doubled quotes.
///
/// Written here rather than with CSV.swift, whose per-character handling through Foundation's strings took a third
/// of an audit's time (writing) and a quarter of rendering its report (reading); these work on UTF-8 bytes.
public enum CSVTable {
    /// CSV text of a header and rows, newline-terminated. A field is quoted when it holds a double quote (doubled
    /// inside), a comma, CR or LF.
    /// `rows` may be lazy: a large table is then rendered row by row without an array of every row's fields.
    public static func render<Rows: Sequence>(header: [String], rows: Rows) -> String where Rows.Element == [String] {
        var text = ""
        text.reserveCapacity(64 * (rows.underestimatedCount + 1))
        func append(_ row: [String]) {
            for (index, field) in row.enumerated() {
                if index > 0 { text.append(",") }
                appendField(field, to: &text)
            }
            text.append("\n")
        }
        append(header)
        for row in rows { append(row) }
        return text
    }

    private static func appendField(_ field: String, to text: inout String) {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: ",") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            text.append(field)
            return
        }
        text.append("\"")
        for character in field.unicodeScalars {
            if character == "\"" { text.append("\"") }
            text.unicodeScalars.append(character)
        }
        text.append("\"")
    }

    /// One record of CSV text and the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// The records of CSV text; a leading byte-order mark is skipped, an empty line is a record of one empty field.
    ///
    /// - Parameter trimmingSpaces: drop spaces and tabs around fields (outside their quotes).
    /// - Throws: ``CSVError`` naming the line of a quoted field that never closes or is followed by more text.
    public static func records(in text: String, trimmingSpaces: Bool = false) throws -> [Record] {
        var text = text
        return try text.withUTF8 { try records(in: $0, trimmingSpaces: trimmingSpaces) }
    }

    static func records(in bytes: UnsafeBufferPointer<UInt8>, trimmingSpaces: Bool) throws -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let count = bytes.count
        var i = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var line = 1
        var records: [Record] = []
        while i < count {
            let start = line
            var fields: [String] = []
            while true {
                if trimmingSpaces { while i < count && isSpace(bytes[i]) { i += 1 } }
                if i < count && bytes[i] == quote {
                    // A quoted field: up to the next quote that is not doubled.
                    var field: [UInt8] = []
                    i += 1
                    var run = i
                    var closed = false
                    while i < count {
                        if bytes[i] == quote {
                            field += bytes[run..<i]
                            if i + 1 < count && bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                                run = i
                                continue
                            }
                            i += 1
                            closed = true
                            break
                        }
                        if bytes[i] == lf { line += 1 }
                        i += 1
                    }
                    guard closed else { throw CSVError(line: start, problem: "a quoted field never closes") }
                    fields.append(String(decoding: field, as: UTF8.self))
                    if trimmingSpaces { while i < count && isSpace(bytes[i]) { i += 1 } }
                    guard i == count || bytes[i] == comma || bytes[i] == lf || bytes[i] == cr else {
                        throw CSVError(line: line, problem: "text after the closing quote of a field")
                    }
                } else {
                    let first = i
                    while i < count && bytes[i] != comma && bytes[i] != lf && bytes[i] != cr { i += 1 }
                    var last = i
                    if trimmingSpaces { while last > first && isSpace(bytes[last - 1]) { last -= 1 } }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<last]), as: UTF8.self))
                }
                if i < count && bytes[i] == comma {
                    i += 1
                    continue
                }
                if i < count && bytes[i] == cr { i += 1 }
                if i < count && bytes[i] == lf { i += 1 }
                line += 1
                break
            }
            records.append(Record(line: start, fields: fields))
        }
        return records
    }

    /// A CSV file with a header row: its non-empty lines after the header, each as long as the header.
    public struct File: Sendable {
        public var path: String
        public var header: [String]
        public var rows: [Record]

        /// The index of the column named `name`, if there is one.
        public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
    }

    /// Reads the CSV file at `path` (see ``parse(_:path:trimmingSpaces:required:)``).
    public static func load(_ path: String, trimmingSpaces: Bool = false, required: [String] = []) throws -> File {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVFileError(description: "\(path): " + (FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"))
        }
        return try parse(data, path: path, trimmingSpaces: trimmingSpaces, required: required)
    }

    /// The CSV file in `data` (read from `path`, which the errors name).
    ///
    /// - Parameter trimmingSpaces: drop spaces and tabs around fields (outside their quotes).
    /// - Throws: ``CSVFileError`` when the data is not UTF-8 text, is malformed, has no header, misses a `required`
    ///   column, or has a line with another number of fields than the header.
    public static func parse(_ data: Data, path: String, trimmingSpaces: Bool = false, required: [String] = []) throws -> File {
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVFileError(description: "\(path): cannot be read as UTF-8 text")
        }
        let records: [Record]
        do {
            records = try Self.records(in: text, trimmingSpaces: trimmingSpaces)
        } catch {
            throw CSVFileError(description: "\(path): malformed CSV (\(error))")
        }
        guard let header = records.first?.fields, header != [""] else {
            throw CSVFileError(description: "\(path): the file is empty (no header row)")
        }
        var seen = Set<String>()
        if let repeated = header.first(where: { !$0.isEmpty && !seen.insert($0).inserted }) {
            throw CSVFileError(description: "\(path): column '\(repeated)' appears twice in the header")
        }
        for column in required where !header.contains(column) {
            throw CSVFileError(description: "\(path): missing column '\(column)' (columns: \(header.joined(separator: ", ")))")
        }
        let rows = records.dropFirst().filter { $0.fields != [""] }
        if let ragged = rows.first(where: { $0.fields.count != header.count }) {
            throw CSVFileError(description: "\(path):\(ragged.line): \(ragged.fields.count) fields, the header has \(header.count)")
        }
        return File(path: path, header: header, rows: Array(rows))
    }
}

/// Why a CSV file could not be used, naming the file (and line).
public struct CSVFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Malformed CSV text, naming the line.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var problem: String
    public var description: String { "line \(line): \(problem)" }
}
