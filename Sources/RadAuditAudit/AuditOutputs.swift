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

    /// pyradiomics' name of every feature of `keys` that has one (``PyradiomicsFeatureName/name(of:settings:)``).
    static func pyradiomicsNames(of keys: some Sequence<FeatureKey>, settings: ExtractionSettings) -> [FeatureKey: String] {
        var names: [FeatureKey: String] = [:]
        for key in keys where names[key] == nil {
            guard let family = FeatureFamily(rawValue: key.family), let aggregation = Aggregation(rawValue: key.aggregation)
            else { continue }
            let feature = Feature(family: family, name: key.feature, code: key.ibsiCode, aggregation: aggregation,
                                  value: .nan, filter: key.filter)
            names[key] = PyradiomicsFeatureName.name(of: feature, settings: settings)
        }
        return names
    }

    init(features: [FeatureValue], variants: [VariantRecord], errors: [CaseError], cases: [CaseDiagnostics],
         inputs: [InputRecord]) {
        (self.features, self.variants, self.errors, self.cases, self.inputs) = (features, variants, errors, cases, inputs)
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
        // Audits with filters have a filter column; the tables of others keep their columns.
        let filtered = features.contains { $0.filter != "none" }
        let names = extraction.flatMap { $0.conventions == nil ? nil : Self.pyradiomicsNames(of: features.lazy.map(\.key), settings: $0) }
        let nameColumn = names == nil ? [] : ["pyradiomics_name"]
        @Sendable func name(_ key: FeatureKey) -> [String] { names.map { [$0[key] ?? ""] } ?? [] }
        let (_, stability) = try concurrently(width: concurrency, {
            // Written row by row: the largest table is never held whole.
            let writer = try AtomicFileWriter(path: base.appendingPathComponent("features.csv").path)
            try writer.writeRecord(FeatureValue.columns(filtered: filtered) + nameColumn)
            for feature in features { try writer.writeRecord(feature.fields(filtered: filtered) + name(feature.key)) }
            try writer.commit()
        }, {
            let matrix = FeatureMatrix(features)
            try writeWideTable(matrix, to: base)
            return try Self.writeStability(matrix, settings: settings, filtered: filtered, names: names, to: base)
        })
        try writeCohortTables(to: base)
        return stability
    }

    /// `features_wide.csv`: one row per extracted case × variant (in `variants.csv` order), `case_id, variant_id,
    /// perturbation, site`, then one column per feature named by ``FeatureNaming/uniqueColumnNames(_:)`` (the long
    /// `features.csv` stays the reference). `sites` and `harmonize` read it as it is (its `original` rows).
    func writeWideTable(_ matrix: FeatureMatrix, to base: URL) throws {
        let site = Dictionary(inputs.map { ($0.caseID, $0.site) }, uniquingKeysWith: { a, _ in a })
        let caseIndex = Dictionary(matrix.caseIDs.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let writer = try AtomicFileWriter(path: base.appendingPathComponent(Self.wideTableName).path)
        try writer.writeRecord(["case_id", "variant_id", "perturbation", "site"] + FeatureNaming.uniqueColumnNames(matrix.features))
        for variant in variants {
            guard let c = caseIndex[variant.caseID], let v = matrix.variant(variant.variantID) else { continue }
            let values = matrix.features.indices.map { matrix.value($0, c, v) }
            guard values.contains(where: { !$0.isNaN }) else { continue }
            try writer.writeRecord([variant.caseID, variant.variantID, variant.perturbation, site[variant.caseID] ?? ""]
                                   + values.map(Number.format))
        }
        try writer.commit()
    }

    public static let wideTableName = "features_wide.csv"

    /// Scores `matrix` and writes `stability.csv` (with a `filter` column when `filtered`, a `pyradiomics_name`
    /// column when `names` is given).
    static func writeStability(_ matrix: FeatureMatrix, settings: StabilitySettings, filtered: Bool,
                               names: [FeatureKey: String]?, to base: URL) throws -> [StabilityResult] {
        let stability = StabilityAnalysis.analyse(matrix, settings: settings)
        try AtomicFile.write(CSVTable.render(header: StabilityResult.columns(filtered: filtered) + (names == nil ? [] : ["pyradiomics_name"]),
                                             rows: stability.lazy.map { r in r.fields(filtered: filtered) + (names.map { [$0[r.key] ?? ""] } ?? []) }),
                             to: base.appendingPathComponent("stability.csv").path)
        try RobustFeatures.write(stability, required: settings.required, filtered: filtered, to: base)
        return stability
    }

    /// `variants.csv`, `errors.csv`, `cases.csv`, `inputs.csv` and, for DICOM inputs, `acquisition.json`.
    func writeCohortTables(to base: URL) throws {
        func put(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: base.appendingPathComponent(name).path)
        }
        try put("variants.csv", VariantRecord.writtenColumns, variants.map(\.fields))
        try put("errors.csv", CaseError.columns, errors.map(\.fields))
        try put("cases.csv", CaseDiagnostics.columns, cases.map(\.fields))
        let designColumns = CaseDesign.writtenColumns(inputs.map(\.design))
        try put("inputs.csv", AuditInput.columns + designColumns,
                inputs.map { $0.fields + $0.design.fields(writtenColumns: designColumns) })
        let acquisition = Dictionary(inputs.compactMap { i in i.acquisition.map { (i.caseID, $0) } }, uniquingKeysWith: { a, _ in a })
        if !acquisition.isEmpty {
            try AtomicFile.write(try JSONEncoder.radaudit().encode(acquisition),
                                 to: base.appendingPathComponent("acquisition.json").path)
        }
    }
}
