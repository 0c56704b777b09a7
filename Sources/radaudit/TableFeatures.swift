import Foundation

/// A feature column of a wide table (one row per sample, one column per feature).
struct FeatureColumn {
    let name: String
    let index: Int
    /// The values (empty cell → NaN), or the reason the column cannot be used.
    let values: Result<[Double], TableError>
}

extension Table {
    /// The feature columns: those named in `requested`, or else every numeric column not in `excluded`.
    ///
    /// A requested column that does not exist is a fatal error; a requested column with a non-numeric cell
    /// is returned as a failure (reported per feature). Without `requested`, a column mixing numbers and
    /// text is skipped with a warning naming its first non-numeric cell; all-text columns are skipped.
    func featureColumns(requested: [String]?, excluding excluded: Set<Int>) throws -> [FeatureColumn] {
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
            } else if cells(index).contains(where: { if let value = Table.number($0) { !value.isNaN } else { false } }) {
                do { _ = try numbers(index) } catch { warn("\(error); column not used as a feature") }
            }
        }
        return features
    }
}

/// Parses a comma-separated list option (`a,b,c`), trimming spaces and dropping empty names.
func commaSeparated(_ option: String?) -> [String]? {
    option.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}
