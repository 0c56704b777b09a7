import Foundation
import RadAuditConcurrency
import RadAuditImageIO
import RadAuditCore
import RadAuditExtraction
import RadAuditFeatures

/// The tables of an audit directory, each written atomically with deterministic content:
/// `features.csv`, `variants.csv`, `stability.csv`, `errors.csv`, `cases.csv`, `inputs.csv` and, for DICOM inputs,
/// `acquisition.json` (acquisition details per case, without patient identifiers).
public struct AuditTables: Sendable {
    public var features: [FeatureValue]
    public var variants: [VariantRecord]
    /// Case × variants without features: skipped and failed.
    public var errors: [CaseError]
    /// ROI voxel count and mean intensity per case × variant (per-case diagnostics for the report).
    public var cases: [CaseDiagnostics]
    /// The inputs with the SHA-256 of their files.
    public var inputs: [InputRecord]

    /// Runs that failed (unreadable inputs, extraction errors), not counting skipped variants.
    public var failures: [CaseError] { errors.filter(\.status.isFailure) }

    /// Tables of a run, in case order, then variant order, then feature order.
    public init(run: AuditRun, cases audited: [AuditCase]) {
        let outcomes = run.outcomes
        inputs = run.inputs
        let sites = Dictionary(audited.map { ($0.id, $0.site ?? "") }, uniquingKeysWith: { a, _ in a })
        let positions = Dictionary(audited.map { ($0.id, $0.position) }, uniquingKeysWith: { a, _ in a })
        features = []
        variants = []
        errors = []
        cases = []
        for o in outcomes {
            variants.append(VariantRecord(caseID: o.caseID, casePosition: positions[o.caseID] ?? 0, variantID: o.variant.id,
                                          perturbation: o.variant.perturbation, parameters: o.variant.parameters,
                                          seed: o.seed, notes: o.notes.joined(separator: "; ")))
            guard o.status == .extracted else {
                errors.append(CaseError(caseID: o.caseID, variantID: o.variant.id, status: o.status))
                continue
            }
            cases.append(CaseDiagnostics(caseID: o.caseID, variantID: o.variant.id, site: sites[o.caseID] ?? "",
                                         roiVoxels: o.roiVoxelCount, roiMeanIntensity: o.roiMeanIntensity))
            for f in o.features {
                features.append(FeatureValue(caseID: o.caseID, variantID: o.variant.id, perturbation: o.variant.perturbation,
                                             family: f.family.rawValue, feature: f.name, ibsiCode: f.code,
                                             aggregation: f.aggregation.rawValue, value: f.value, filter: f.filter))
            }
        }
    }

    /// Tables read back from audit directories (shards), concatenated in the order given.
    public init(directories: [String]) throws {
        features = []
        variants = []
        errors = []
        cases = []
        inputs = []
        var interner = StringInterner()
        for directory in directories {
            let base = URL(fileURLWithPath: directory)
            func load<Row>(_ name: String, _ columns: [String], _ row: (CSVRow) throws -> Row) throws -> [Row] {
                do {
                    return try CSVFile(path: base.appendingPathComponent(name).path, required: columns).rows.map(row)
                } catch let error as AuditResultsError {
                    throw CohortError(description: error.description)
                }
            }
            features += try load("features.csv", FeatureValue.columns) { try FeatureValue(row: $0, interning: &interner) }
            variants += try load("variants.csv", VariantRecord.columns, VariantRecord.init)
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
        let duplicated = Dictionary(grouping: variants, by: { $0.caseID + " × " + $0.variantID }).filter { $0.value.count > 1 }
        if let first = duplicated.keys.sorted().first {
            throw CohortError(description: "case × variant \(first) appears in more than one directory")
        }
        // Back into cohort order (a stable sort keeps the variant and feature order within each case).
        let position = Dictionary(variants.map { ($0.caseID, $0.casePosition) }, uniquingKeysWith: { a, _ in a })
        // Indices are sorted, not the rows, so that a large table is not copied twice.
        func order<T>(_ rows: [T], _ caseID: (T) -> String) -> [T] {
            let keys = rows.map { position[caseID($0)] ?? 0 }
            return rows.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { rows[$0] }
        }
        features = order(features, \.caseID)
        variants = order(variants, \.caseID)
        errors = order(errors, \.caseID)
        cases = order(cases, \.caseID)
        inputs = order(inputs, \.caseID)
    }

    /// pyradiomics' name of every feature of `features` that has one (``PyradiomicsFeatureName/name(of:settings:)``).
    private static func pyradiomicsNames(of features: [FeatureValue], settings: ExtractionSettings) -> [FeatureKey: String] {
        var names: [FeatureKey: String] = [:]
        var seen = Set<FeatureKey>()
        for value in features where seen.insert(value.key).inserted {
            guard let family = FeatureFamily(rawValue: value.family), let aggregation = Aggregation(rawValue: value.aggregation)
            else { continue }
            let feature = Feature(family: family, name: value.feature, code: value.ibsiCode, aggregation: aggregation,
                                  value: value.value, filter: value.filter)
            names[value.key] = PyradiomicsFeatureName.name(of: feature, settings: settings)
        }
        return names
    }

    /// Writes the tables and `stability.csv` into `directory`.
    ///
    /// - Parameter concurrency: how many threads may work at once: the stability analysis and `features.csv`, the
    ///   two large parts, are made side by side when it is above 1.
    ///
    /// - Parameter extraction: the protocol's extraction settings; when they follow pyradiomics' conventions,
    ///   `features.csv` and `stability.csv` end with a `pyradiomics_name` column (empty where pyradiomics has no
    ///   such feature).
    public func write(to directory: String, stability settings: StabilitySettings, extraction: ExtractionSettings? = nil,
                      concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [StabilityResult] {
        let base = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        @Sendable func put(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: base.appendingPathComponent(name).path)
        }
        // Audits with filters have a filter column; the tables of others keep their columns.
        let filtered = features.contains { $0.filter != "none" }
        let names = extraction.flatMap { $0.conventions == nil ? nil : Self.pyradiomicsNames(of: features, settings: $0) }
        let nameColumn = names == nil ? [] : ["pyradiomics_name"]
        @Sendable func name(_ key: FeatureKey) -> [String] { names.map { [$0[key] ?? ""] } ?? [] }
        let (_, stability) = try concurrently(width: concurrency, {
            // Rendered row by row: the largest table is never held as an array of every row's fields.
            try AtomicFile.write(CSVTable.render(header: FeatureValue.columns(filtered: filtered) + nameColumn,
                                                 rows: features.lazy.map { $0.fields(filtered: filtered) + name($0.key) }),
                                 to: base.appendingPathComponent("features.csv").path)
        }, {
            let stability = StabilityAnalysis.analyse(features, settings: settings)
            try put("stability.csv", StabilityResult.columns(filtered: filtered) + nameColumn,
                    stability.map { $0.fields(filtered: filtered) + name($0.key) })
            return stability
        })
        try put("variants.csv", VariantRecord.writtenColumns, variants.map(\.fields))
        try put("errors.csv", CaseError.columns, errors.map(\.fields))
        try put("cases.csv", CaseDiagnostics.columns, cases.map(\.fields))
        let designColumns = CaseDesign.writtenColumns(inputs.map(\.design))
        try put("inputs.csv", AuditInput.columns + designColumns,
                inputs.map { $0.fields + (designColumns.isEmpty ? [] : $0.design.fields(acquisitionColumns: designColumns.dropFirst(4))) })
        let acquisition = Dictionary(inputs.compactMap { i in i.acquisition.map { (i.caseID, $0) } }, uniquingKeysWith: { a, _ in a })
        if !acquisition.isEmpty {
            try AtomicFile.write(try JSONEncoder.radaudit().encode(acquisition),
                                 to: base.appendingPathComponent("acquisition.json").path)
        }
        return stability
    }
}
