import RadAuditStatistics
import RadAuditCore

/// Every feature value of an audit as one dense array of Doubles, feature × case × variant (NaN where absent): the
/// input of ``StabilityAnalysis``, filled row by row from the long feature table, in memory or streamed from shards,
/// at 8 bytes per value whatever the length of the texts of the table.
///
/// Features, cases and variants are numbered in the order they first appear in the rows added.
public struct FeatureMatrix: Sendable {
    /// Features by their identity `filter|ibsi_code|aggregation`, with the names of their first row.
    public private(set) var features: [FeatureKey] = []
    public var caseIDs: [String] { cases.names }
    public var variantIDs: [String] { variants.names }
    /// The perturbation group of each variant (of its first row).
    public private(set) var perturbations: [String] = []
    private var featureIdentities = Numbering()
    private var cases = Numbering()
    private var variants = Numbering()
    /// Cases and variants each feature block has room for.
    private let caseCapacity: Int
    private let variantCapacity: Int
    private var values: [Double] = []

    /// Names numbered in the order they are first seen.
    private struct Numbering: Sendable {
        private(set) var names: [String] = []
        private var numbers: [String: Int] = [:]

        /// The number of `name`, and whether it is new.
        mutating func number(_ name: String) -> (Int, isNew: Bool) {
            if let known = numbers[name] { return (known, false) }
            numbers[name] = names.count
            names.append(name)
            return (names.count - 1, true)
        }

        func number(of name: String) -> Int? { numbers[name] }
    }

    /// - Parameters: at most `cases` distinct cases and `variants` distinct variants will be added.
    public init(cases: Int, variants: Int) {
        caseCapacity = max(cases, 1)
        variantCapacity = max(variants, 1)
    }

    /// A matrix of the rows of a long feature table.
    public init(_ rows: [FeatureValue]) {
        var cases = Set<String>(), variants = Set<String>()
        for r in rows {
            cases.insert(r.caseID)
            variants.insert(r.variantID)
        }
        self.init(cases: cases.count, variants: variants.count)
        for r in rows { add(r) }
    }

    public mutating func add(_ r: FeatureValue) {
        add(caseID: r.caseID, variantID: r.variantID, perturbation: r.perturbation, key: r.key, value: r.value)
    }

    public mutating func add(caseID: String, variantID: String, perturbation: String, key: FeatureKey, value: Double) {
        let (f, newFeature) = featureIdentities.number(key.filter + "|" + key.ibsiCode + "|" + key.aggregation)
        if newFeature {
            features.append(key)
            values.append(contentsOf: repeatElement(.nan, count: caseCapacity * variantCapacity))
        }
        let (c, _) = cases.number(caseID)
        precondition(c < caseCapacity, "FeatureMatrix: more cases than declared")
        let (v, newVariant) = variants.number(variantID)
        precondition(v < variantCapacity, "FeatureMatrix: more variants than declared")
        if newVariant { perturbations.append(perturbation) }
        values[(f * caseCapacity + c) * variantCapacity + v] = value
    }

    /// The value of feature `f`, case `c`, variant `v` (indices in order of appearance).
    func value(_ f: Int, _ c: Int, _ v: Int) -> Double { values[(f * caseCapacity + c) * variantCapacity + v] }

    func variant(_ id: String) -> Int? { variants.number(of: id) }
}

/// Scores every feature's stability per perturbation group from the long feature table.
///
/// The raters of a group are the original plus the group's variants; the group `all` uses every variant.
/// Subjects are cases; a case missing any of the group's values (a skipped variant, a NaN feature) is left
/// out (listwise deletion). Fewer than two complete cases give NaN.
public enum StabilityAnalysis {
    public static func analyse(_ records: [FeatureValue], settings: StabilitySettings) -> [StabilityResult] {
        analyse(FeatureMatrix(records), settings: settings)
    }

    /// Groups and variants in the order they first appear, cases in table order.
    public static func analyse(_ matrix: FeatureMatrix, settings: StabilitySettings) -> [StabilityResult] {
        guard let form = IntraclassCorrelation.Form(rawValue: settings.statistic) else { return [] }
        var groups: [(name: String, variants: [Int])] = []
        for (v, id) in matrix.variantIDs.enumerated() where id != Variant.original.id {
            let group = matrix.perturbations[v]
            if let i = groups.firstIndex(where: { $0.name == group }) {
                groups[i].variants.append(v)
            } else {
                groups.append((group, [v]))
            }
        }
        if groups.count > 1 { groups.append(("all", groups.flatMap(\.variants).sorted())) }
        let original = matrix.variant(Variant.original.id)

        var results: [StabilityResult] = []
        for group in groups {
            let raters = [original] + group.variants.map { Optional($0) }
            for (f, info) in matrix.features.enumerated() {
                let table: [[Double]] = matrix.caseIDs.indices.compactMap { c in
                    let cells = raters.map { v in v.map { matrix.value(f, c, $0) } ?? .nan }
                    return cells.allSatisfy(\.isFinite) ? cells : nil
                }
                results.append(StabilityResult(scoring: table, form: form, raters: raters.count, group: group.name, key: info,
                                               settings: settings))
            }
        }
        return results
    }
}

extension StabilityResult {
    /// The agreement of one feature over the complete rows of `table` (subjects × raters) by an ICC `form` and the
    /// rule of `settings`: NaN with fewer than two rows; `koo_li` is the Koo & Li class of the CI's lower bound.
    init(scoring table: [[Double]], form: IntraclassCorrelation.Form, raters: Int, group: String, key: FeatureKey,
         settings: StabilitySettings) {
        var estimate = Double.nan, lower = Double.nan, upper = Double.nan
        if table.count >= 2 {
            let icc = IntraclassCorrelation(form, anova: TwoWayANOVA(table))
            (estimate, lower, upper) = (icc.estimate, icc.lower, icc.upper)
        }
        let judged = settings.metric == .ciLow ? lower : estimate
        self.init(perturbation: group, family: key.family, feature: key.feature, ibsiCode: key.ibsiCode,
                  aggregation: key.aggregation, statistic: settings.statistic, estimate: estimate, ciLow: lower, ciHigh: upper,
                  kooLi: ReliabilityClass(icc: lower)?.rawValue ?? "", robust: judged >= settings.threshold,
                  cases: table.count, raters: raters, filter: key.filter)
    }
}
