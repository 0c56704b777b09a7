import Foundation
import RadAuditCore
import RadAuditStatistics

/// A wide table (one row per sample, one column per feature or attribute) read into memory: a header row and rows
/// of text cells, all as long as the header. The input of `radaudit agreement`, `sites` and `harmonize`.
public struct WideTable: Sendable {
    /// The file the table came from, for messages.
    public let path: String
    public var header: [String]
    public var rows: [[String]]

    public init(path: String, header: [String], rows: [[String]]) {
        self.path = path
        self.header = header
        self.rows = rows
    }

    /// Reads a comma-separated file with a header row (fields trimmed of spaces).
    public static func read(_ path: String) throws -> WideTable {
        do {
            let table = try CSVTable.load(path, trimmingSpaces: true)
            return WideTable(path: path, header: table.header, rows: table.rows.map(\.fields))
        } catch let error as CSVFileError {
            throw TableError(error.description)
        }
    }

    /// The samples of an audit's `features_wide.csv`, which holds every case × variant: the rows whose `variant_id`
    /// is `variant` (default `original`, the unperturbed extraction). A table without a `variant_id` column is
    /// returned as it is (naming a variant for it is an error).
    public func selectingVariant(_ variant: String?) throws -> WideTable {
        guard let column = header.firstIndex(of: "variant_id") else {
            if let variant { throw TableError("\(path): no column 'variant_id' to select variant '\(variant)' from") }
            return self
        }
        let wanted = variant ?? "original"
        let kept = rows.filter { $0[column] == wanted }
        guard !kept.isEmpty else {
            let present = Array(Set(rows.map { $0[column] })).sorted().prefix(10).joined(separator: ", ")
            throw TableError("\(path): no row of variant '\(wanted)' (variants: \(present))")
        }
        return WideTable(path: path, header: header, rows: kept)
    }

    /// The index of the column with this name; an error naming the file and the available columns otherwise.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw TableError("\(path): no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// The cells of a column.
    public func cells(_ column: Int) -> [String] { rows.map { $0[column] } }

    /// The numbers of a column: an empty cell (or `NaN`) is missing and becomes NaN. Throws a message naming
    /// the file, column, line and cell for the first cell that is not a number.
    public func numbers(_ column: Int) throws(TableError) -> [Double] {
        try rows.enumerated().map { (line, row) throws(TableError) in
            guard let value = WideTable.number(row[column]) else {
                throw TableError("\(path): column '\(header[column])', line \(line + 2): '\(row[column])' is not a number")
            }
            return value
        }
    }

    /// A cell as a number: empty → NaN (missing), `NaN`/`inf`/`-inf` accepted, anything else nil.
    public static func number(_ cell: String) -> Double? {
        if cell.isEmpty { return .nan }
        return Double(cell)
    }

    /// Columns whose every cell is a number or empty (and at least one is a number), in table order.
    public func numericColumns() -> [Int] {
        header.indices.filter { column in
            var sawNumber = false
            for row in rows {
                guard let value = WideTable.number(row[column]) else { return false }
                if !value.isNaN { sawNumber = true }
            }
            return sawNumber
        }
    }
}

/// A fatal problem with an input table or argument; printed as one line on stderr, exit status 1.
public struct TableError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}


/// A feature column of a wide table (one row per sample, one column per feature).
public struct FeatureColumn: Sendable {
    public let name: String
    public let index: Int
    /// The values (empty cell → NaN), or the reason the column cannot be used.
    public let values: Result<[Double], TableError>
}

extension WideTable {
    /// The feature columns: those named in `requested`, or else every numeric column not in `excluded`.
    ///
    /// A requested column that does not exist is a fatal error; a requested column with a non-numeric cell
    /// is returned as a failure (reported per feature). Without `requested`, a column mixing numbers and
    /// text is skipped with a `warning` naming its first non-numeric cell; all-text columns are skipped.
    public func featureColumns(requested: [String]?, excluding excluded: Set<Int>,
                               warning: (String) -> Void) throws -> [FeatureColumn] {
        if let requested {
            return try requested.map { name in
                let index = try column(name)
                return FeatureColumn(name: name, index: index, values: Result { () throws(TableError) in try numbers(index) })
            }
        }
        let numeric = Set(numericColumns())
        var features: [FeatureColumn] = []
        for index in header.indices where !excluded.contains(index) {
            if numeric.contains(index) {
                features.append(FeatureColumn(name: header[index], index: index, values: Result { () throws(TableError) in try numbers(index) }))
            } else if cells(index).contains(where: { if let value = WideTable.number($0) { !value.isNaN } else { false } }) {
                do { _ = try numbers(index) } catch { warning("\(error); column not used as a feature") }
            }
        }
        return features
    }
}

/// Parses a comma-separated list option (`a,b,c`), trimming spaces and dropping empty names.
public func commaSeparated(_ option: String?) -> [String]? {
    option.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}

extension WideTable {
    /// The ComBat covariates of the named columns: categorical columns without empty cells, continuous columns of
    /// finite numbers.
    public func covariates(categorical: [String], continuous: [String]) throws -> ComBat.Covariates {
        let categoricalValues = try categorical.map { name in
            let cells = cells(try column(name))
            if let line = cells.firstIndex(of: "") {
                throw TableError("\(path): covariate '\(name)', line \(line + 2): missing value")
            }
            return (name: name, values: cells)
        }
        let continuousValues = try continuous.map { name in
            let numbers = try numbers(try column(name))
            if let line = numbers.firstIndex(where: { !$0.isFinite }) {
                throw TableError("\(path): covariate '\(name)', line \(line + 2): missing or non-finite value")
            }
            return (name: name, values: numbers)
        }
        return ComBat.Covariates(categorical: categoricalValues, continuous: continuousValues)
    }
}
