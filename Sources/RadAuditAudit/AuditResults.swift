import Foundation
import RadAuditCore

/// The tables of an audit directory, as `radaudit audit` writes them, read back to render the report and the
/// provenance record. Every table keeps the row order of its file, so the outputs are deterministic.
///
/// | file | columns |
/// |---|---|
/// | `protocol.yaml` | the protocol of the run |
/// | `inputs.csv` | `case_id,site,image,mask,image_sha256,mask_sha256` + optional acquisition metadata columns |
/// | `features.csv` | `case_id,variant_id,perturbation,family,feature,ibsi_code,aggregation,value` (only the original extraction's rows are kept) |
/// | `variants.csv` | `case_id,case_position,variant_id,perturbation,parameters,seed` |
/// | `stability.csv` | `perturbation,family,feature,ibsi_code,aggregation,statistic,estimate,ci_low,ci_high,koo_li,robust,cases,raters` |
/// | `cases.csv` | `case_id,variant_id,site,roi_voxels,roi_mean_intensity` |
/// | `errors.csv` | `case_id,variant_id,error` |
/// | `run.json` | `tool, version, commit, started, finished, seed, jobs` |
/// | `acquisition.json` (optional) | `{case id: {modality, manufacturer, kvp, …}}` acquisition metadata of DICOM inputs |
/// | `site_tests.csv` (optional) | `feature,test,groups,statistic,p_value,q_value,method` |
public struct AuditResults: Sendable {
    public var directory: String
    public var run: RunInfo
    public var auditProtocol: AuditProtocol
    public var inputs: [AuditInput]
    /// Feature values of the original (unperturbed) extraction; every variant's values stay in `features.csv`, which
    /// the report and the record identify by its SHA-256.
    public var features: [FeatureValue]
    public var variants: [VariantRecord]
    public var stability: [StabilityResult]
    public var diagnostics: [CaseDiagnostics]
    public var errors: [CaseError]
    /// Site-effect tests, when the directory has a `site_tests.csv`.
    public var siteTests: [SiteTestResult]
    /// The files read, in a fixed order, each with the SHA-256 of its bytes.
    public var files: [TableFile]
    /// The study of real repeats, when the directory has an `observed.json` (``ObservedStudy``).
    public var observed: ObservedResults?

    /// The variant id of the unperturbed extraction.
    public static let originalVariant = "original"

    public init(directory: String, run: RunInfo, auditProtocol: AuditProtocol, inputs: [AuditInput],
                features: [FeatureValue], variants: [VariantRecord], stability: [StabilityResult],
                diagnostics: [CaseDiagnostics], errors: [CaseError], siteTests: [SiteTestResult] = [],
                files: [TableFile] = []) {
        self.directory = directory
        self.run = run
        self.auditProtocol = auditProtocol
        self.inputs = inputs
        self.features = features
        self.variants = variants
        self.stability = stability
        self.diagnostics = diagnostics
        self.errors = errors
        self.siteTests = siteTests
        self.files = files
    }

    /// Reads an audit directory.
    /// - Throws: ``AuditResultsError`` naming the file (and line) of the first problem.
    public static func load(directory: String) throws -> AuditResults {
        let base = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { base.appendingPathComponent(name).path }
        // Each file is read once: the bytes parsed are the bytes whose SHA-256 is recorded.
        var files: [TableFile] = []
        func contents(_ name: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: path(name)) else {
                throw AuditResultsError("\(path(name)): no such file")
            }
            files.append(TableFile(name: name, sha256: SHA256Digest.hex(of: data)))
            return data
        }
        func table(_ name: String, required: [String], keep: ((CSVRow) -> Bool)? = nil) throws -> CSVFile {
            try CSVFile(try contents(name), path: path(name), required: required, keep: keep)
        }

        let run = try RunInfo(try contents("run.json"), path: path("run.json"))
        let auditProtocol: AuditProtocol
        do {
            auditProtocol = try AuditProtocol.parse(String(decoding: try contents("protocol.yaml"), as: UTF8.self),
                                                    path: path("protocol.yaml"))
        } catch let error as ProtocolError {
            throw AuditResultsError("\(error)")
        }

        let inputTable = try table("inputs.csv", required: AuditInput.columns)
        var inputs = try inputTable.rows.map { try AuditInput(row: $0, extraColumns: inputTable.extraColumns(beyond: AuditInput.columns)) }
        if FileManager.default.fileExists(atPath: path("acquisition.json")) {
            let acquisition = try AcquisitionFile.parse(try contents("acquisition.json"), path: path("acquisition.json"))
            for index in inputs.indices {
                for (key, value) in acquisition[inputs[index].caseID] ?? [:] where inputs[index].metadata[key] == nil {
                    inputs[index].metadata[key] = value
                }
                inputs[index] = AuditInput(caseID: inputs[index].caseID, site: inputs[index].site, image: inputs[index].image,
                                           mask: inputs[index].mask, imageSHA256: inputs[index].imageSHA256,
                                           maskSHA256: inputs[index].maskSHA256, metadata: inputs[index].metadata)
            }
        }
        // The feature table can be far larger than memory (a merge of many shards): it is streamed, and only the
        // original extraction's rows are kept.
        var features: [FeatureValue] = []
        do {
            let reader = try CSVStreamReader(path: path("features.csv"), hashing: true)
            guard let header = try reader.next()?.fields else { throw AuditResultsError("\(path("features.csv")): the file is empty (no header row)") }
            if let missing = FeatureValue.columns.first(where: { !header.contains($0) }) {
                throw AuditResultsError("\(path("features.csv")): missing column '\(missing)' (columns: \(header.joined(separator: ", ")))")
            }
            let columns = Dictionary(header.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
            let variantColumn = columns["variant_id"]!
            var interner = StringInterner()
            while let record = try reader.next() {
                guard record.fields.count == header.count else {
                    throw AuditResultsError("\(path("features.csv")):\(record.line): \(record.fields.count) fields, the header has \(header.count)")
                }
                guard record.fields[variantColumn] == originalVariant else { continue }
                features.append(try FeatureValue(row: CSVRow(path: path("features.csv"), line: record.line, columns: columns,
                                                             cells: record.fields), interning: &interner))
            }
            files.append(TableFile(name: "features.csv", sha256: try reader.digest()))
        } catch let error as CSVFileError {
            throw AuditResultsError(error.description)
        }
        let variants = try table("variants.csv", required: VariantRecord.columns).rows.map(VariantRecord.init)
        let stability = try table("stability.csv", required: StabilityResult.columns).rows.map(StabilityResult.init)
        let diagnostics = try table("cases.csv", required: CaseDiagnostics.columns).rows.map(CaseDiagnostics.init)
        let errors = try table("errors.csv", required: CaseError.columns).rows.map(CaseError.init)
        var siteTests: [SiteTestResult] = []
        if FileManager.default.fileExists(atPath: path("site_tests.csv")) {
            siteTests = try table("site_tests.csv", required: SiteTestResult.columns).rows
                .map { try SiteTestResult(row: $0, stage: .beforeHarmonisation) }
        }
        var observed: ObservedResults?
        if FileManager.default.fileExists(atPath: path(ObservedStudy.fileName)) {
            let study = try ObservedStudy.parse(try contents(ObservedStudy.fileName), path: path(ObservedStudy.fileName))
            var results = ObservedResults(study: study)
            if let axis = study.raters {
                results.agreement = try table(ObservedStudy.stabilityName, required: [axis] + StabilityResult.columns.dropFirst())
                    .rows.map { try ObservedAgreement.Row(row: $0, axis: axis) }
                results.validity = try table(ObservedStudy.validityName, required: PerturbationValidity.columns)
                    .rows.map(PerturbationValidity.init)
            }
            if !study.parameters.isEmpty {
                results.effects = try table(ObservedStudy.effectsName, required: AcquisitionEffects.effectColumns(filtered: false))
                    .rows.map(AcquisitionEffects.Effect.init)
                _ = try contents(ObservedStudy.levelsName)
            }
            observed = results
        }
        var loaded = AuditResults(directory: directory, run: run, auditProtocol: auditProtocol, inputs: inputs,
                                  features: features, variants: variants, stability: stability, diagnostics: diagnostics,
                                  errors: errors, siteTests: siteTests, files: files)
        loaded.observed = observed
        return loaded
    }

    /// Case ids in cohort order: the order of `inputs.csv`, then any case that appears only in other tables.
    public var caseIDs: [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for id in inputs.map(\.caseID) + features.map(\.caseID) + diagnostics.map(\.caseID) where seen.insert(id).inserted {
            ids.append(id)
        }
        return ids
    }

    /// Perturbation groups of the stability table in order of first appearance, `all` last.
    public var perturbationGroups: [String] {
        var seen = Set<String>()
        let groups = stability.map(\.perturbation).filter { seen.insert($0).inserted }
        return groups.filter { $0 != StabilityResult.allGroup } + groups.filter { $0 == StabilityResult.allGroup }
    }
}

/// The tables of a study of real repeats in an audit directory (``ObservedStudy``).
public struct ObservedResults: Sendable {
    public var study: ObservedStudy
    /// `observed_stability.csv`; each result's `perturbation` is the comparison (e.g. `reader1 vs reader2`).
    public var agreement: [ObservedAgreement.Row] = []
    /// `perturbation_validity.csv`.
    public var validity: [PerturbationValidity] = []
    /// `acquisition_effects.csv`.
    public var effects: [AcquisitionEffects.Effect] = []
}

/// One file of an audit directory and the SHA-256 of its bytes.
public struct TableFile: Sendable, Hashable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}

/// A problem reading an audit directory, in one line naming the file (and line).
public struct AuditResultsError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// `run.json`: what ran, when, and with which seed.
public struct RunInfo: Sendable, Hashable, Decodable {
    public var tool: String
    public var version: String
    public var commit: String?
    /// UTC start and end of the run (`xsd:dateTime` with `Z`).
    public var started: String
    public var finished: String
    public var seed: UInt64?
    public var jobs: Int?
    /// What the run warned about (a protocol without perturbations, inputs that look wrong, missing shards).
    public var warnings: [String] = []

    public init(tool: String = "radaudit", version: String, commit: String? = nil, started: String, finished: String,
                seed: UInt64? = nil, jobs: Int? = nil, warnings: [String] = []) {
        self.warnings = warnings
        self.tool = tool
        self.version = version
        self.commit = commit
        self.started = started
        self.finished = finished
        self.seed = seed
        self.jobs = jobs
    }

    enum CodingKeys: String, CodingKey { case tool, version, commit, started, finished, seed, jobs, warnings }

    /// `version`, `started` and `finished` are required; other keys are optional and unknown keys are ignored.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tool: try c.decodeIfPresent(String.self, forKey: .tool) ?? "radaudit",
                  version: try c.decode(String.self, forKey: .version),
                  commit: try c.decodeIfPresent(String.self, forKey: .commit).flatMap { $0.isEmpty ? nil : $0 },
                  started: try c.decode(String.self, forKey: .started), finished: try c.decode(String.self, forKey: .finished),
                  seed: try c.decodeIfPresent(UInt64.self, forKey: .seed), jobs: try c.decodeIfPresent(Int.self, forKey: .jobs),
                  warnings: try c.decodeIfPresent([String].self, forKey: .warnings) ?? [])
    }

    /// The run record in `data`, read from `path`.
    init(_ data: Data, path: String) throws {
        var run: RunInfo
        do {
            run = try JSONDecoder().decode(RunInfo.self, from: data)
        } catch {
            throw AuditResultsError("\(path): not a run record (\(error))")
        }
        for (key, value) in [("started", run.started), ("finished", run.finished)] {
            guard let normalised = UTCTimestamp.normalise(value) else {
                throw AuditResultsError("\(path): \(key) '\(value)' is not an ISO 8601 date-time with a time zone")
            }
            if key == "started" { run.started = normalised } else { run.finished = normalised }
        }
        self = run
    }
}

/// A feature independent of case and variant: family, name, IBSI code and aggregation.
public struct FeatureKey: Sendable, Hashable {
    public var family: String
    public var feature: String
    public var ibsiCode: String
    public var aggregation: String
    /// `none`, or the label of the filter response.
    public var filter: String

    public init(family: String, feature: String, ibsiCode: String, aggregation: String, filter: String = "none") {
        self.filter = filter
        self.family = family
        self.feature = feature
        self.ibsiCode = ibsiCode
        self.aggregation = aggregation
    }

    /// `Joint maximum (3D_averaged)`; the aggregation is left out when there is none.
    public var displayName: String {
        (aggregation.isEmpty || aggregation == "none" ? feature : "\(feature) (\(aggregation))")
            + (filter == "none" ? "" : " · \(filter)")
    }
}

/// One site-effect test of one feature (`site_tests.csv` of `radaudit sites`).
public struct SiteTestResult: Sendable, Hashable {
    /// Whether the test ran on the data as given or after ComBat.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        case beforeHarmonisation = "before"
        case afterHarmonisation = "after"
    }

    public var feature: String
    /// `kruskal-wallis`, `anderson-darling` or `ks` (one row per site pair).
    public var test: String
    /// The sites compared, `|`-separated.
    public var groups: String
    public var statistic: Double
    public var pValue: Double
    /// Benjamini–Hochberg q-value across features.
    public var qValue: Double
    public var method: String
    public var stage: Stage

    static let columns = ["feature", "test", "groups", "statistic", "p_value", "q_value", "method"]

    public init(feature: String, test: String, groups: String, statistic: Double, pValue: Double, qValue: Double,
                method: String, stage: Stage) {
        self.feature = feature
        self.test = test
        self.groups = groups
        self.statistic = statistic
        self.pValue = pValue
        self.qValue = qValue
        self.method = method
        self.stage = stage
    }

    init(row: CSVRow, stage: Stage) throws {
        self.init(feature: try row.text("feature"), test: try row.text("test"), groups: row.optional("groups") ?? "",
                  statistic: try row.number("statistic"), pValue: try row.number("p_value"), qValue: try row.number("q_value"),
                  method: row.optional("method") ?? "", stage: stage)
    }
}

/// `acquisition.json`: acquisition metadata per case, each value rendered as text (numbers as the shortest
/// decimal, lists space-separated); null values are left out.
enum AcquisitionFile {
    private enum Value: Decodable {
        case text(String), number(Double), flag(Bool), list([Value]), null

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let flag = try? c.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? c.decode(Double.self) {
                self = .number(number)
            } else if let text = try? c.decode(String.self) {
                self = .text(text)
            } else {
                self = .list(try c.decode([Value].self))
            }
        }

        var text: String? {
            switch self {
            case .text(let text): text
            case .number(let number): Number.format(number)
            case .flag(let flag): flag ? "true" : "false"
            case .list(let values): values.compactMap(\.text).joined(separator: " ")
            case .null: nil
            }
        }
    }

    /// The metadata in `data`, read from `path`.
    static func parse(_ data: Data, path: String) throws -> [String: [String: String]] {
        let decoded: [String: [String: Value]]
        do {
            decoded = try JSONDecoder().decode([String: [String: Value]].self, from: data)
        } catch {
            throw AuditResultsError("\(path): not acquisition metadata per case (\(error))")
        }
        return decoded.mapValues { fields in fields.compactMapValues(\.text) }
    }
}

/// UTC timestamps in `xsd:dateTime` form (`2026-11-27T10:46:15Z`).
public enum UTCTimestamp {
    /// The timestamp of a date, to the second (to the millisecond when it has a fraction).
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        if seconds.rounded(.down) != seconds {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        }
        return formatter.string(from: date)
    }

    /// An ISO 8601 date-time with any time zone, rewritten in UTC; nil when it is not one.
    public static func normalise(_ text: String) -> String? {
        parse(text).map(format)
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
