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
    public private(set) var caseIDs: [String] = []
    public private(set) var variantIDs: [String] = []
    /// The perturbation group of each variant (of its first row).
    public private(set) var perturbations: [String] = []
    private var featureIndex: [String: Int] = [:]
    private var caseIndex: [String: Int] = [:]
    private var variantIndex: [String: Int] = [:]
    /// Cases and variants each feature block has room for.
    private let caseCapacity: Int
    private let variantCapacity: Int
    private var values: [Double] = []

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
        let identity = key.filter + "|" + key.ibsiCode + "|" + key.aggregation
        let f: Int
        if let known = featureIndex[identity] {
            f = known
        } else {
            f = features.count
            featureIndex[identity] = f
            features.append(key)
            values.append(contentsOf: repeatElement(.nan, count: caseCapacity * variantCapacity))
        }
        let c: Int
        if let known = caseIndex[caseID] {
            c = known
        } else {
            c = caseIDs.count
            precondition(c < caseCapacity, "FeatureMatrix: more cases than declared")
            caseIndex[caseID] = c
            caseIDs.append(caseID)
        }
        let v: Int
        if let known = variantIndex[variantID] {
            v = known
        } else {
            v = variantIDs.count
            precondition(v < variantCapacity, "FeatureMatrix: more variants than declared")
            variantIndex[variantID] = v
            variantIDs.append(variantID)
            perturbations.append(perturbation)
        }
        values[(f * caseCapacity + c) * variantCapacity + v] = value
    }

    /// The value of feature `f`, case `c`, variant `v` (indices in order of appearance).
    func value(_ f: Int, _ c: Int, _ v: Int) -> Double { values[(f * caseCapacity + c) * variantCapacity + v] }

    func variant(_ id: String) -> Int? { variantIndex[id] }
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
                var estimate = Double.nan, lower = Double.nan, upper = Double.nan
                if table.count >= 2 {
                    let icc = IntraclassCorrelation(form, anova: TwoWayANOVA(table))
                    (estimate, lower, upper) = (icc.estimate, icc.lower, icc.upper)
                }
                let judged = settings.metric == .ciLow ? lower : estimate
                results.append(StabilityResult(
                    perturbation: group.name, family: info.family, feature: info.feature, ibsiCode: info.ibsiCode,
                    aggregation: info.aggregation, statistic: settings.statistic, estimate: estimate, ciLow: lower,
                    ciHigh: upper, kooLi: ReliabilityClass(icc: lower)?.rawValue ?? "", robust: judged >= settings.threshold,
                    cases: table.count, raters: raters.count, filter: info.filter))
            }
        }
        return results
    }
}
