import Foundation
import RadAuditConcurrency
import RadAuditImageIO

/// The tables of an audit directory, each written atomically with deterministic content:
/// `features.csv`, `variants.csv`, `stability.csv`, `errors.csv`, `cases.csv`, `inputs.csv` and, for DICOM inputs,
/// `acquisition.json` (acquisition details per case, without patient identifiers).
public struct AuditTables: Sendable {
    public var features: [FeatureRecord]
    /// `case_id, case_position, variant_id, perturbation, parameters, seed, notes`.
    public var variants: [[String]]
    /// `case_id, variant_id, error`.
    public var errors: [[String]]
    /// `case_id, variant_id, roi_voxels, roi_mean_intensity, site` (per-case diagnostics for the report).
    public var cases: [[String]]
    /// The inputs with the SHA-256 of their files.
    public var inputs: [InputRecord]

    /// Prefix of the `error` of a variant that was skipped because its perturbation could not apply (e.g. it
    /// emptied the ROI), as opposed to a run that failed.
    public static let skippedPrefix = "skipped: "

    /// Runs that failed (unreadable inputs, extraction errors), not counting skipped variants.
    public var failures: [[String]] { errors.filter { !$0[2].hasPrefix(Self.skippedPrefix) } }

    public static let variantHeader = ["case_id", "case_position", "variant_id", "perturbation", "parameters", "seed", "notes"]
    public static let errorHeader = ["case_id", "variant_id", "error"]
    public static let caseHeader = ["case_id", "variant_id", "site", "roi_voxels", "roi_mean_intensity"]

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
            variants.append([o.caseID, String(positions[o.caseID] ?? 0), o.variant.id, o.variant.perturbation, o.variant.parameters,
                             String(o.seed), o.notes.joined(separator: "; ")])
            if let error = o.error {
                errors.append([o.caseID, o.variant.id, error])
                continue
            }
            cases.append([o.caseID, o.variant.id, sites[o.caseID] ?? "", Number.format(o.roiVoxelCount),
                          Number.format(o.roiMeanIntensity)])
            for f in o.features {
                features.append(FeatureRecord(caseID: o.caseID, variantID: o.variant.id, perturbation: o.variant.perturbation,
                                              family: f.family.rawValue, feature: f.name, code: f.code,
                                              aggregation: f.aggregation.rawValue, value: f.value))
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
        for directory in directories {
            let base = URL(fileURLWithPath: directory)
            func load(_ name: String, _ header: [String]) throws -> [[String]] {
                do {
                    let table = try CSVTable.load(base.appendingPathComponent(name).path, required: header)
                    let columns = header.map { table.column($0)! }
                    return table.rows.map { row in columns.map { row.fields[$0] } }
                } catch let error as CSVFileError {
                    throw CohortError(description: error.description)
                }
            }
            for r in try load("features.csv", FeatureRecord.header) {
                guard let value = Number.parse(r[7]) else {
                    throw CohortError(description: "\(directory)/features.csv: value '\(r[7])' is not a number")
                }
                features.append(FeatureRecord(caseID: r[0], variantID: r[1], perturbation: r[2], family: r[3], feature: r[4],
                                              code: r[5], aggregation: r[6], value: value))
            }
            variants += try load("variants.csv", Self.variantHeader)
            errors += try load("errors.csv", Self.errorHeader)
            cases += try load("cases.csv", Self.caseHeader)
            let acquisitionPath = base.appendingPathComponent("acquisition.json")
            let acquisition = (try? Data(contentsOf: acquisitionPath))
                .flatMap { try? JSONDecoder().decode([String: AcquisitionMetadata].self, from: $0) } ?? [:]
            inputs += try load("inputs.csv", InputRecord.header).map {
                InputRecord(caseID: $0[0], site: $0[1], image: $0[2], mask: $0[3], imageSHA256: $0[4], maskSHA256: $0[5],
                            acquisition: acquisition[$0[0]])
            }
        }
        let duplicated = Dictionary(grouping: variants, by: { $0[0] + " × " + $0[2] }).filter { $0.value.count > 1 }
        if let first = duplicated.keys.sorted().first {
            throw CohortError(description: "case × variant \(first) appears in more than one directory")
        }
        // Back into cohort order (a stable sort keeps the variant and feature order within each case).
        let position = Dictionary(variants.map { ($0[0], Int($0[1]) ?? 0) }, uniquingKeysWith: { a, _ in a })
        func order<T>(_ rows: [T], _ caseID: (T) -> String) -> [T] {
            rows.enumerated().sorted { (position[caseID($0.element)] ?? 0, $0.offset) < (position[caseID($1.element)] ?? 0, $1.offset) }
                .map(\.element)
        }
        features = order(features, \.caseID)
        variants = order(variants) { $0[0] }
        errors = order(errors) { $0[0] }
        cases = order(cases) { $0[0] }
        inputs = order(inputs, \.caseID)
    }

    /// Writes the tables and `stability.csv` into `directory`.
    ///
    /// - Parameter concurrency: how many threads may work at once: the stability analysis and `features.csv`, the
    ///   two large parts, are made side by side when it is above 1.
    public func write(to directory: String, stability settings: StabilitySettings,
                      concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [StabilityRecord] {
        let base = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        @Sendable func put(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: base.appendingPathComponent(name).path)
        }
        let (_, stability) = try concurrently(width: concurrency, {
            try put("features.csv", FeatureRecord.header, features.map(\.row))
        }, {
            let stability = StabilityAnalysis.analyse(features, settings: settings)
            try put("stability.csv", StabilityRecord.header, stability.map(\.row))
            return stability
        })
        try put("variants.csv", Self.variantHeader, variants)
        try put("errors.csv", Self.errorHeader, errors)
        try put("cases.csv", Self.caseHeader, cases)
        try put("inputs.csv", InputRecord.header, inputs.map(\.row))
        let acquisition = Dictionary(inputs.compactMap { i in i.acquisition.map { (i.caseID, $0) } }, uniquingKeysWith: { a, _ in a })
        if !acquisition.isEmpty {
            try AtomicFile.write(try JSONEncoder.radaudit().encode(acquisition),
                                 to: base.appendingPathComponent("acquisition.json").path)
        }
        return stability
    }
}

extension Number {
    /// Parses a table cell written by `format` (`NaN`, `inf`, `-inf` included).
    public static func parse(_ text: String) -> Double? {
        switch text {
        case "NaN", "nan": .nan
        case "inf", "Infinity": .infinity
        case "-inf", "-Infinity": -.infinity
        default: Double(text)
        }
    }
}
