import RadAuditCore

// Each audit table is defined once, here: one typed row per CSV with its column list, its fields as written and its
// reading from a file. `radaudit audit` writes them (``AuditTables``), `merge` and the report read them back
// (``AuditTables/init(directories:)``, ``AuditResults``).

/// How one case × variant ended.
public enum VariantStatus: Sendable, Hashable {
    /// Its features were extracted.
    case extracted
    /// Its perturbation could not apply (e.g. an erosion emptied the ROI): the variant is left out, the audit has not
    /// failed.
    case skipped(reason: String)
    /// Its inputs could not be read or its extraction failed.
    case failed(reason: String)

    /// Prefix of the `error` column of a skipped variant in `errors.csv`.
    static let skippedPrefix = "skipped: "

    /// The `error` column of `errors.csv`: nil for an extraction.
    public var errorText: String? {
        switch self {
        case .extracted: nil
        case .skipped(let reason): Self.skippedPrefix + reason
        case .failed(let reason): reason
        }
    }

    /// The status an `error` column records (empty: extracted).
    public init(errorText: String) {
        if errorText.isEmpty {
            self = .extracted
        } else if errorText.hasPrefix(Self.skippedPrefix) {
            self = .skipped(reason: String(errorText.dropFirst(Self.skippedPrefix.count)))
        } else {
            self = .failed(reason: errorText)
        }
    }

    public var isFailure: Bool { if case .failed = self { true } else { false } }
}

/// One image and mask of the cohort.
public struct AuditInput: Sendable, Hashable {
    public var caseID: String
    public var site: String?
    public var image: String
    public var mask: String
    public var imageSHA256: String
    public var maskSHA256: String
    /// Acquisition and reconstruction metadata of the image (e.g. DICOM attributes), key → value. Patient
    /// identifiers are never kept: see ``AcquisitionVocabulary/isIdentifying(_:)``.
    public var metadata: [String: String]
    /// The row's study-design columns (`subject`, `repeat`, `observer`, `protocol`), when the cohort had them.
    public var design = CaseDesign()

    public static let columns = ["case_id", "site", "image", "mask", "image_sha256", "mask_sha256"]

    /// The row as written: acquisition metadata goes to `acquisition.json`, not into these columns.
    public var fields: [String] { [caseID, site ?? "", image, mask, imageSHA256, maskSHA256] }

    public init(caseID: String, site: String? = nil, image: String, mask: String, imageSHA256: String, maskSHA256: String,
                metadata: [String: String] = [:]) {
        self.caseID = caseID
        self.site = site
        self.image = image
        self.mask = mask
        self.imageSHA256 = imageSHA256
        self.maskSHA256 = maskSHA256
        self.metadata = metadata.filter { !AcquisitionVocabulary.isIdentifying($0.key) && !$0.value.isEmpty }
    }

    init(row: CSVRow, extraColumns: [String]) throws {
        var metadata: [String: String] = [:]
        for column in extraColumns where !CaseDesign.columns.contains(column) { metadata[column] = row[column] }
        self.init(caseID: try row.text("case_id"), site: row.optional("site"), image: try row.text("image"),
                  mask: try row.text("mask"), imageSHA256: try row.digest("image_sha256"),
                  maskSHA256: try row.digest("mask_sha256"), metadata: metadata)
        design = CaseDesign(row: row)
    }
}

/// One feature value of one case and variant (`features.csv`).
public struct FeatureValue: Sendable, Hashable {
    public var caseID: String
    public var variantID: String
    public var perturbation: String
    public var family: String
    public var feature: String
    public var ibsiCode: String
    public var aggregation: String
    public var value: Double
    /// `none` for the unfiltered image, else the label of the filter response (the `filter` column).
    public var filter: String = "none"

    /// The columns a reader needs; a `filter` column follows `perturbation` when the audit has filters.
    public static let columns = ["case_id", "variant_id", "perturbation", "family", "feature", "ibsi_code", "aggregation", "value"]

    /// The columns written: with the `filter` column when `filtered`.
    public static func columns(filtered: Bool) -> [String] {
        filtered ? Array(columns[..<3]) + ["filter"] + columns[3...] : columns
    }

    public init(caseID: String, variantID: String, perturbation: String, family: String, feature: String, ibsiCode: String,
                aggregation: String, value: Double, filter: String = "none") {
        self.filter = filter
        self.caseID = caseID
        self.variantID = variantID
        self.perturbation = perturbation
        self.family = family
        self.feature = feature
        self.ibsiCode = ibsiCode
        self.aggregation = aggregation
        self.value = value
    }

    public func fields(filtered: Bool) -> [String] {
        [caseID, variantID, perturbation] + (filtered ? [filter] : [])
            + [family, feature, ibsiCode, aggregation, Number.format(value)]
    }

    init(row: CSVRow) throws {
        var interner = StringInterner()
        try self.init(row: row, interning: &interner)
    }

    /// A row whose repeated texts (ids, names, codes) share one copy per distinct value through `interner`: a
    /// merge of many shards holds millions of rows with a few hundred distinct names.
    init(row: CSVRow, interning interner: inout StringInterner) throws {
        self.init(caseID: interner.intern(try row.text("case_id")), variantID: interner.intern(try row.text("variant_id")),
                  perturbation: interner.intern(try row.text("perturbation")), family: interner.intern(try row.text("family")),
                  feature: interner.intern(try row.text("feature")), ibsiCode: interner.intern(row.optional("ibsi_code") ?? ""),
                  aggregation: interner.intern(row.optional("aggregation") ?? ""), value: try row.number("value"),
                  filter: interner.intern(row.optional("filter") ?? "none"))
    }

    /// The feature this value belongs to, without case and variant.
    public var key: FeatureKey {
        FeatureKey(family: family, feature: feature, ibsiCode: ibsiCode, aggregation: aggregation, filter: filter)
    }
}

/// One perturbation variant of one case (`variants.csv`).
public struct VariantRecord: Sendable, Hashable {
    public var caseID: String
    public var casePosition: Int
    public var variantID: String
    public var perturbation: String
    /// The variant's settings, as the audit wrote them (e.g. `angle_deg=15`).
    public var parameters: String
    /// The seed of the variant's random draws; nil for deterministic variants written without one.
    public var seed: UInt64?
    /// What the perturbations did beyond their parameters (estimated σ, clamped fractions), `; `-separated.
    public var notes: String

    /// The columns a reader needs; `notes` follows them in the file.
    public static let columns = ["case_id", "case_position", "variant_id", "perturbation", "parameters", "seed"]
    /// Every column written.
    public static let writtenColumns = columns + ["notes"]

    public var fields: [String] {
        [caseID, String(casePosition), variantID, perturbation, parameters, seed.map { String($0) } ?? "", notes]
    }

    public init(caseID: String, casePosition: Int, variantID: String, perturbation: String, parameters: String, seed: UInt64?,
                notes: String = "") {
        self.notes = notes
        self.caseID = caseID
        self.casePosition = casePosition
        self.variantID = variantID
        self.perturbation = perturbation
        self.parameters = parameters
        self.seed = seed
    }

    init(row: CSVRow) throws {
        self.init(caseID: try row.text("case_id"), casePosition: try row.integer("case_position"),
                  variantID: try row.text("variant_id"), perturbation: try row.text("perturbation"),
                  parameters: row.optional("parameters") ?? "", seed: try row.optional("seed").map { try row.seed($0) },
                  notes: row.optional("notes") ?? "")
    }
}

/// The agreement statistic of one feature over the variants of one perturbation group (`stability.csv`).
public struct StabilityResult: Sendable, Hashable {
    /// The group: a perturbation kind (`noise`, `rotation`, …), a chain name, or `all`.
    public var perturbation: String
    public var family: String
    public var feature: String
    public var ibsiCode: String
    public var aggregation: String
    /// The statistic, e.g. `ICC(1,1)`.
    public var statistic: String
    public var estimate: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Koo & Li class of the CI (`good`, `moderate-good`, …); empty when undefined.
    public var kooLi: String
    public var robust: Bool
    public var cases: Int
    public var raters: Int
    /// `none`, or the filter response the feature was computed on.
    public var filter: String = "none"

    /// The group that pools every variant.
    public static let allGroup = "all"
    public static let columns = ["perturbation", "family", "feature", "ibsi_code", "aggregation", "statistic", "estimate",
                          "ci_low", "ci_high", "koo_li", "robust", "cases", "raters"]

    /// The columns written: with a `filter` column after `perturbation` when `filtered`.
    public static func columns(filtered: Bool) -> [String] {
        filtered ? [columns[0], "filter"] + columns[1...] : columns
    }

    public func fields(filtered: Bool) -> [String] {
        [perturbation] + (filtered ? [filter] : []) + [family, feature, ibsiCode, aggregation, statistic, Number.format(estimate),
         Number.format(ciLow), Number.format(ciHigh), kooLi, robust ? "true" : "false", String(cases), String(raters)]
    }

    public init(perturbation: String, family: String, feature: String, ibsiCode: String, aggregation: String,
                statistic: String, estimate: Double, ciLow: Double, ciHigh: Double, kooLi: String, robust: Bool,
                cases: Int, raters: Int, filter: String = "none") {
        self.filter = filter
        self.perturbation = perturbation
        self.family = family
        self.feature = feature
        self.ibsiCode = ibsiCode
        self.aggregation = aggregation
        self.statistic = statistic
        self.estimate = estimate
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.kooLi = kooLi
        self.robust = robust
        self.cases = cases
        self.raters = raters
    }

    init(row: CSVRow) throws {
        self.init(perturbation: try row.text("perturbation"), family: try row.text("family"), feature: try row.text("feature"),
                  ibsiCode: row.optional("ibsi_code") ?? "", aggregation: row.optional("aggregation") ?? "",
                  statistic: try row.text("statistic"), estimate: try row.number("estimate"), ciLow: try row.number("ci_low"),
                  ciHigh: try row.number("ci_high"), kooLi: row.optional("koo_li") ?? "", robust: try row.boolean("robust"),
                  cases: try row.integer("cases", empty: 0), raters: try row.integer("raters", empty: 0),
                  filter: row.optional("filter") ?? "none")
    }

    public var key: FeatureKey {
        FeatureKey(family: family, feature: feature, ibsiCode: ibsiCode, aggregation: aggregation, filter: filter)
    }
}

/// Per-case diagnostics of one variant (`cases.csv`): a broken case shows up as an outlying ROI.
public struct CaseDiagnostics: Sendable, Hashable {
    public var caseID: String
    public var variantID: String
    public var site: String?
    public var roiVoxels: Double
    public var roiMeanIntensity: Double

    public static let columns = ["case_id", "variant_id", "site", "roi_voxels", "roi_mean_intensity"]

    public var fields: [String] { [caseID, variantID, site ?? "", Number.format(roiVoxels), Number.format(roiMeanIntensity)] }

    public init(caseID: String, variantID: String, site: String?, roiVoxels: Double, roiMeanIntensity: Double) {
        self.caseID = caseID
        self.variantID = variantID
        self.site = site
        self.roiVoxels = roiVoxels
        self.roiMeanIntensity = roiMeanIntensity
    }

    init(row: CSVRow) throws {
        self.init(caseID: try row.text("case_id"), variantID: try row.text("variant_id"), site: row.optional("site"),
                  roiVoxels: try row.number("roi_voxels"), roiMeanIntensity: try row.number("roi_mean_intensity"))
    }
}

/// A case × variant that produced no features (`errors.csv`): skipped, or failed.
public struct CaseError: Sendable, Hashable {
    public var caseID: String
    public var variantID: String
    /// The `error` column: the reason, after `skipped: ` for a skipped variant.
    public var error: String

    /// How the run ended.
    public var status: VariantStatus { VariantStatus(errorText: error) }

    public var fields: [String] { [caseID, variantID, error] }

    public init(caseID: String, variantID: String, status: VariantStatus) {
        self.init(caseID: caseID, variantID: variantID, error: status.errorText ?? "")
    }

    public static let columns = ["case_id", "variant_id", "error"]

    public init(caseID: String, variantID: String, error: String) {
        self.caseID = caseID
        self.variantID = variantID
        self.error = error
    }

    init(row: CSVRow) throws {
        self.init(caseID: try row.text("case_id"), variantID: row.optional("variant_id") ?? "", error: row.optional("error") ?? "")
    }
}


/// One shared copy of each distinct string: interning the repeated cells of a large table keeps one heap buffer per
/// distinct text instead of one per cell.
struct StringInterner {
    private var table: [String: String] = [:]

    mutating func intern(_ text: String) -> String {
        if let shared = table[text] { return shared }
        table[text] = text
        return text
    }
}
