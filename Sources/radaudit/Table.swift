import Foundation
import RadAuditAudit
import RadAuditCore

/// A CSV table read into memory: a header row and rows of text cells (all rows as long as the header).
struct Table {
    /// The file the table came from, for messages.
    let path: String
    var header: [String]
    var rows: [[String]]

    /// Reads a comma-separated file with a header row (fields trimmed of spaces).
    static func read(_ path: String) throws -> Table {
        do {
            let table = try CSVTable.load(path, trimmingSpaces: true)
            return Table(path: path, header: table.header, rows: table.rows.map(\.fields))
        } catch let error as CSVFileError {
            throw TableError(error.description)
        }
    }

    /// The index of the column with this name; an error naming the file and the available columns otherwise.
    func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw TableError("\(path): no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// The cells of a column.
    func cells(_ column: Int) -> [String] { rows.map { $0[column] } }

    /// The numbers of a column: an empty cell (or `NaN`) is missing and becomes NaN. Throws a message naming
    /// the file, column, line and cell for the first cell that is not a number.
    func numbers(_ column: Int) throws(TableError) -> [Double] {
        try rows.enumerated().map { (line, row) throws(TableError) in
            guard let value = Table.number(row[column]) else {
                throw TableError("\(path): column '\(header[column])', line \(line + 2): '\(row[column])' is not a number")
            }
            return value
        }
    }

    /// A cell as a number: empty → NaN (missing), `NaN`/`inf`/`-inf` accepted, anything else nil.
    static func number(_ cell: String) -> Double? {
        if cell.isEmpty { return .nan }
        return Double(cell)
    }

    /// Columns whose every cell is a number or empty (and at least one is a number), in table order.
    func numericColumns() -> [Int] {
        header.indices.filter { column in
            var sawNumber = false
            for row in rows {
                guard let value = Table.number(row[column]) else { return false }
                if !value.isNaN { sawNumber = true }
            }
            return sawNumber
        }
    }
}

/// A fatal problem with an input table or argument; printed as one line on stderr, exit status 1.
struct TableError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Prints a warning (a per-feature problem that does not stop the command) on stderr.
func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}
