import Foundation
import RadAuditCore
import RadAuditExtraction
import RadAuditImageIO

/// The tables of sharded audits joined into the tables of one audit, in cohort order, in memory bounded by the
/// number of feature values rather than by the size of the tables (`radaudit merge`).
///
/// The small tables (`variants.csv`, `errors.csv`, `cases.csv`, `inputs.csv`) are read whole. `features.csv` is
/// streamed: each shard lists its cases in cohort order, so the merged table is a k-way merge by cohort position,
/// copied record by record into the output while the values go into a ``FeatureMatrix`` (8 bytes each) for the
/// stability analysis; only the original extraction's rows are kept as rows (for the observed analysis). No shard
/// file stays open between two of its cases, so a merge of any number of shards needs a handful of descriptors.
public struct ShardMerge: Sendable {
    public let directories: [String]
    /// The merged small tables (without feature rows).
    public let tables: AuditTables
    /// The directory (index in `directories`) of each case.
    private let shardOf: [String: Int]
    /// Where each shard's feature rows start (after its header).
    private let starts: [Cursor]
    /// The columns of the shards' feature tables (nil when no shard has a row).
    private let header: [String]?

    /// Reads the small tables of every directory.
    /// - Throws: ``CohortError`` naming the file of a problem, a case × variant found in two directories, or shards whose
    ///   feature tables have other columns than the first's.
    public init(directories: [String]) throws {
        self.directories = directories
        var variants: [VariantRecord] = [], errors: [CaseError] = [], cases: [CaseDiagnostics] = [], inputs: [InputRecord] = []
        var shardOf: [String: Int] = [:]
        for (d, directory) in directories.enumerated() {
            let base = URL(fileURLWithPath: directory)
            func load<Row>(_ name: String, _ columns: [String], _ row: (CSVRow) throws -> Row) throws -> [Row] {
                do {
                    return try CSVFile(path: base.appendingPathComponent(name).path, required: columns).rows.map(row)
                } catch let error as AuditResultsError {
                    throw CohortError(description: error.description)
                }
            }
            let shardVariants = try load("variants.csv", VariantRecord.columns, VariantRecord.init)
            for v in shardVariants where shardOf[v.caseID] == nil { shardOf[v.caseID] = d }
            variants += shardVariants
            errors += try load("errors.csv", CaseError.columns, CaseError.init)
            cases += try load("cases.csv", CaseDiagnostics.columns, CaseDiagnostics.init)
            let acquisitionPath = base.appendingPathComponent("acquisition.json")
            let acquisition = (try? Data(contentsOf: acquisitionPath))
                .flatMap { try? JSONDecoder().decode([String: AcquisitionMetadata].self, from: $0) } ?? [:]
            inputs += try load("inputs.csv", AuditInput.columns) { row in
                InputRecord(caseID: try row.text("case_id"), site: row.optional("site") ?? "", image: try row.text("image"),
                            mask: try row.text("mask"), imageSHA256: row.optional("image_sha256") ?? "",
                            maskSHA256: row.optional("mask_sha256") ?? "", acquisition: acquisition[try row.text("case_id")],
                            design: CaseDesign(row: row))
            }
        }
        self.shardOf = shardOf
        var seen = Set<String>()
        for v in variants where !seen.insert(v.caseID + " × " + v.variantID).inserted {
            throw CohortError(description: "case × variant \(v.caseID) × \(v.variantID) appears in more than one directory")
        }
        // Back into cohort order (a stable sort keeps the variant order within each case).
        let position = Dictionary(variants.map { ($0.caseID, $0.casePosition) }, uniquingKeysWith: { a, _ in a })
        func order<T>(_ rows: [T], _ caseID: (T) -> String) -> [T] {
            let keys = rows.map { position[caseID($0)] ?? 0 }
            return rows.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { rows[$0] }
        }
        // Headers, before anything is written: every shard with rows must have the columns of the first such shard.
        var cursors: [Cursor] = []
        var header: [String]?
        var headerSource = ""
        for directory in directories {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("features.csv").path
            let reader = try Self.reader(path)
            guard let columns = try reader.next()?.fields else { throw CohortError(description: "\(path): the file is empty (no header row)") }
            if let missing = FeatureValue.columns.first(where: { !columns.contains($0) }) {
                throw CohortError(description: "\(path): missing column '\(missing)'")
            }
            cursors.append(Cursor(path: path, offset: reader.offset, line: reader.line))
            guard try reader.next() != nil else { continue }
            if let header, header != columns {
                throw CohortError(description: "\(path): columns \(columns.joined(separator: ",")) differ from those of "
                                  + "\(headerSource) (\(header.joined(separator: ",")))")
            }
            if header == nil { (header, headerSource) = (columns, path) }
        }
        (self.starts, self.header) = (cursors, header)
        tables = AuditTables(features: [], variants: order(variants, \.caseID), errors: order(errors, \.caseID),
                             cases: order(cases, \.caseID), inputs: order(inputs, \.caseID))
    }

    /// Where the next unread record of a shard's `features.csv` starts.
    private struct Cursor: Sendable {
        var path: String
        var offset: UInt64
        var line: Int
    }

    /// Streams the shards' `features.csv` into `directory`, scores stability over all cases, and writes the other
    /// tables; `progress(done, total)` after each case. Returns the tables with the original extraction's feature
    /// rows, and the stability results.
    ///
    /// - Throws: ``CohortError`` when a shard's rows are not in its cohort order (nothing is then left behind:
    ///   `features.csv` is written to a temporary file renamed only at the end).
    public func write(to directory: String, stability settings: StabilitySettings, extraction: ExtractionSettings? = nil,
                      progress: (Int, Int) -> Void = { _, _ in }) throws -> (tables: AuditTables, stability: [StabilityResult]) {
        let base = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        var cursors = starts
        let columns = header ?? FeatureValue.columns(filtered: false) + (extraction?.conventions == nil ? [] : ["pyradiomics_name"])
        let index = Dictionary(columns.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let filterColumn = index["filter"]
        let (caseColumn, variantColumn, perturbationColumn) = (index["case_id"]!, index["variant_id"]!, index["perturbation"]!)
        let (familyColumn, featureColumn, codeColumn) = (index["family"]!, index["feature"]!, index["ibsi_code"]!)
        let (aggregationColumn, valueColumn) = (index["aggregation"]!, index["value"]!)

        // Cases in cohort order, each with the shard that ran it.
        var caseOrder: [String] = [], seen = Set<String>()
        var variantIDs = Set<String>()
        for v in tables.variants {
            variantIDs.insert(v.variantID)
            if seen.insert(v.caseID).inserted { caseOrder.append(v.caseID) }
        }
        var matrix = FeatureMatrix(cases: caseOrder.count, variants: variantIDs.count)
        var originals: [FeatureValue] = []
        // The kept rows share one copy of each repeated text (ids, names, codes).
        var interner = StringInterner()
        let writer = try AtomicFileWriter(path: base.appendingPathComponent("features.csv").path)
        try writer.writeRecord(columns)
        for (done, caseID) in caseOrder.enumerated() {
            guard let d = shardOf[caseID] else { continue }
            let reader = try Self.reader(cursors[d].path, offset: cursors[d].offset, line: cursors[d].line)
            var (offset, line) = (reader.offset, reader.line)
            while let record = try reader.next() {
                guard record.fields.count == columns.count else {
                    throw CohortError(description: "\(cursors[d].path):\(record.line): \(record.fields.count) fields, the header has \(columns.count)")
                }
                let f = record.fields
                guard f[caseColumn] == caseID else { break }
                guard variantIDs.contains(f[variantColumn]) else {
                    throw CohortError(description: "\(cursors[d].path):\(record.line): variant '\(f[variantColumn])' is not in the "
                                      + "directory's variants.csv")
                }
                try writer.writeRecord(f)
                let key = FeatureKey(family: f[familyColumn], feature: f[featureColumn], ibsiCode: f[codeColumn],
                                     aggregation: f[aggregationColumn], filter: filterColumn.map { f[$0] } ?? "none")
                guard let value = f[valueColumn].isEmpty ? Double.nan : Double(f[valueColumn]) else {
                    throw CohortError(description: "\(cursors[d].path):\(record.line): column 'value': '\(f[valueColumn])' is not a number")
                }
                matrix.add(caseID: caseID, variantID: f[variantColumn], perturbation: f[perturbationColumn], key: key, value: value)
                if f[variantColumn] == Variant.original.id {
                    originals.append(FeatureValue(caseID: interner.intern(caseID), variantID: interner.intern(f[variantColumn]),
                                                  perturbation: interner.intern(f[perturbationColumn]),
                                                  family: interner.intern(key.family), feature: interner.intern(key.feature),
                                                  ibsiCode: interner.intern(key.ibsiCode),
                                                  aggregation: interner.intern(key.aggregation), value: value,
                                                  filter: interner.intern(key.filter)))
                }
                (offset, line) = (reader.offset, reader.line)
            }
            (cursors[d].offset, cursors[d].line) = (offset, line)
            progress(done + 1, caseOrder.count)
        }
        // Every row must have been consumed: a leftover is a case out of order or missing from variants.csv.
        for cursor in cursors {
            if let record = try Self.reader(cursor.path, offset: cursor.offset, line: cursor.line).next() {
                throw CohortError(description: "\(cursor.path):\(record.line): the rows of case '\(record.fields[caseColumn])' are "
                                  + "not in cohort order or the case is not in the directory's variants.csv")
            }
        }
        try writer.commit()
        let pyradiomics = extraction.flatMap { $0.conventions == nil ? nil : AuditTables.pyradiomicsNames(of: matrix.features, settings: $0) }
        let stability = try AuditTables.writeStability(matrix, settings: settings, filtered: filterColumn != nil,
                                                       names: pyradiomics, to: base)
        var merged = tables
        merged.features = originals
        try merged.writeWideTable(matrix, to: base)
        try merged.writeCohortTables(to: base)
        return (merged, stability)
    }

    private static func reader(_ path: String, offset: UInt64 = 0, line: Int = 1) throws -> CSVStreamReader {
        do {
            return try CSVStreamReader(path: path, offset: offset, line: line)
        } catch let error as CSVFileError {
            throw CohortError(description: error.description)
        }
    }
}
