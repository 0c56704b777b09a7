import Foundation
import RadAuditCore

/// A CSV file with a header row, read into memory for the audit tables.
struct CSVFile {
    let path: String
    let header: [String]
    let rows: [CSVRow]

    /// The table in `data` (read from `path`), checking that every `required` column is present; `keep` selects the
    /// rows to hold in memory.
    init(_ data: Data, path: String, required: [String], keep: ((CSVRow) -> Bool)? = nil) throws {
        do {
            try self.init(try CSVTable.parse(data, path: path, required: required), keep: keep)
        } catch let error as CSVFileError {
            throw AuditResultsError(error.description)
        }
    }

    /// The table in the file at `path` (see ``CSVTable/load(_:trimmingSpaces:required:)``).
    init(path: String, required: [String]) throws {
        do {
            try self.init(try CSVTable.load(path, required: required), keep: nil)
        } catch let error as CSVFileError {
            throw AuditResultsError(error.description)
        }
    }

    private init(_ table: CSVTable.File, keep: ((CSVRow) -> Bool)?) throws {
        let path = table.path
        let header = table.header
        var columns: [String: Int] = [:]
        for (index, name) in header.enumerated() where columns[name] == nil { columns[name] = index }
        var rows: [CSVRow] = []
        for record in table.rows {
            let row = CSVRow(path: path, line: record.line, columns: columns, cells: record.fields)
            if keep?(row) ?? true { rows.append(row) }
        }
        (self.path, self.header, self.rows) = (path, header, rows)
    }

    /// Columns other than `known`, in file order.
    func extraColumns(beyond known: [String]) -> [String] {
        header.filter { !known.contains($0) }
    }
}

/// One row of a ``CSVFile``; the accessors throw messages naming the file, line and column.
struct CSVRow {
    let path: String
    let line: Int
    /// Column name → index, shared by the rows of a file.
    let columns: [String: Int]
    let cells: [String]

    subscript(_ column: String) -> String? { columns[column].map { cells[$0] } }

    private func problem(_ column: String, _ message: String) -> AuditResultsError {
        AuditResultsError("\(path):\(line): column '\(column)': \(message)")
    }

    /// A non-empty text cell.
    func text(_ column: String) throws -> String {
        guard let value = self[column], !value.isEmpty else { throw problem(column, "empty") }
        return value
    }

    /// A text cell, nil when empty or absent.
    func optional(_ column: String) -> String? {
        self[column].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A number: empty and `NaN` are NaN, `inf`/`-inf` infinities.
    func number(_ column: String) throws -> Double {
        let cell = self[column] ?? ""
        if cell.isEmpty { return .nan }
        guard let value = Double(cell) else { throw problem(column, "'\(cell)' is not a number") }
        return value
    }

    /// An integer; an empty cell is `empty` when given, an error otherwise.
    func integer(_ column: String, empty: Int? = nil) throws -> Int {
        let cell = self[column] ?? ""
        if cell.isEmpty, let empty { return empty }
        guard let value = Int(cell) else { throw problem(column, "'\(cell)' is not an integer") }
        return value
    }

    func boolean(_ column: String) throws -> Bool {
        switch (self[column] ?? "").lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        case let cell: throw problem(column, "'\(cell)' is not true or false")
        }
    }

    /// A SHA-256 in lower-case hexadecimal (upper case is accepted and lowered), or empty where the input could not
    /// be read.
    func digest(_ column: String) throws -> String {
        let cell = (self[column] ?? "").lowercased()
        guard cell.isEmpty || (cell.count == 64 && cell.allSatisfy({ $0.isHexDigit })) else {
            throw problem(column, "'\(cell)' is not a SHA-256 (64 hexadecimal digits)")
        }
        return cell
    }

    func seed(_ cell: String) throws -> UInt64 {
        guard let value = UInt64(cell) else { throw problem("seed", "'\(cell)' is not an unsigned 64-bit integer") }
        return value
    }
}
