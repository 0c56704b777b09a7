import Foundation

/// CSV tables as RFC 4180 describes them: fields separated by commas, records by LF or CRLF; a field in double
/// quotes may hold commas, line breaks and doubled quotes.
///
/// Written here rather than with CSV.swift, whose per-character handling through Foundation's strings took a third
/// of an audit's time (writing) and a quarter of rendering its report (reading); these work on UTF-8 bytes.
public enum CSVTable {
    /// CSV text of a header and rows, newline-terminated. A field is quoted when it holds a double quote (doubled
    /// inside), a comma, CR or LF.
    public static func render(header: [String], rows: [[String]]) -> String {
        var text = ""
        text.reserveCapacity(64 * (rows.count + 1))
        for row in CollectionOfOne(header) + rows {
            for (index, field) in row.enumerated() {
                if index > 0 { text.append(",") }
                appendField(field, to: &text)
            }
            text.append("\n")
        }
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

    private static func records(in bytes: UnsafeBufferPointer<UInt8>, trimmingSpaces: Bool) throws -> [Record] {
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

    /// Rows of a CSV file with a header, as dictionaries.
    public static func read(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CohortError(description: "\(path): " + (FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "no such file"))
        }
        let records: [Record]
        do {
            records = try Self.records(in: text)
        } catch {
            throw CohortError(description: "\(path): \(error)")
        }
        let header = records.first?.fields ?? []
        let rows = records.dropFirst().filter { $0.fields != [""] }.map { record in
            Dictionary(zip(header, record.fields), uniquingKeysWith: { _, last in last })
        }
        return (header, rows)
    }
}

/// Malformed CSV text, naming the line.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var problem: String
    public var description: String { "line \(line): \(problem)" }
}
