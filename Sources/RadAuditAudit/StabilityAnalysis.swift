import RadAuditStatistics

/// One feature value of one case and variant: a row of `features.csv`.
public struct FeatureRecord: Sendable, Hashable {
    public var caseID: String
    public var variantID: String
    public var perturbation: String
    public var family: String
    public var feature: String
    public var code: String
    public var aggregation: String
    public var value: Double

    public init(caseID: String, variantID: String, perturbation: String, family: String, feature: String,
                code: String, aggregation: String, value: Double) {
        self.caseID = caseID
        self.variantID = variantID
        self.perturbation = perturbation
        self.family = family
        self.feature = feature
        self.code = code
        self.aggregation = aggregation
        self.value = value
    }

    public static let header = ["case_id", "variant_id", "perturbation", "family", "feature", "ibsi_code", "aggregation", "value"]
    public var row: [String] { [caseID, variantID, perturbation, family, feature, code, aggregation, Number.format(value)] }
}

/// The stability of one feature under one perturbation group: a row of `stability.csv`.
public struct StabilityRecord: Sendable, Hashable {
    public var perturbation: String
    public var family: String
    public var feature: String
    public var code: String
    public var aggregation: String
    public var statistic: String
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Koo & Li class of the lower confidence bound.
    public var kooLi: String
    public var robust: Bool
    /// Cases used (complete across the group's variants) and raters (original + variants).
    public var cases: Int
    public var raters: Int

    public static let header = ["perturbation", "family", "feature", "ibsi_code", "aggregation", "statistic", "estimate",
                                "ci_low", "ci_high", "koo_li", "robust", "cases", "raters"]
    public var row: [String] {
        [perturbation, family, feature, code, aggregation, statistic, Number.format(estimate), Number.format(lower),
         Number.format(upper), kooLi, robust ? "true" : "false", String(cases), String(raters)]
    }
}

/// Scores every feature's stability per perturbation group from the long feature table.
///
/// The raters of a group are the original plus the group's variants; the group `all` uses every variant.
/// Subjects are cases; a case missing any of the group's values (a skipped variant, a NaN feature) is left
/// out (listwise deletion). Fewer than two complete cases give NaN.
public enum StabilityAnalysis {
    public static func analyse(_ records: [FeatureRecord], settings: StabilitySettings) -> [StabilityRecord] {
        guard let form = IntraclassCorrelation.Form(rawValue: settings.statistic) else { return [] }
        // Variant order and groups as they appear in the table; cases in table order.
        var variantOrder: [String] = [], groupOf: [String: String] = [:], caseOrder: [String] = []
        var seenCases = Set<String>()
        var featureOrder: [String] = []
        var featureInfo: [String: (family: String, feature: String, code: String, aggregation: String)] = [:]
        var values: [String: [String: [String: Double]]] = [:]  // feature key → case → variant → value
        for r in records {
            if groupOf[r.variantID] == nil {
                groupOf[r.variantID] = r.perturbation
                variantOrder.append(r.variantID)
            }
            if seenCases.insert(r.caseID).inserted { caseOrder.append(r.caseID) }
            let key = r.code + "|" + r.aggregation
            if featureInfo[key] == nil {
                featureInfo[key] = (r.family, r.feature, r.code, r.aggregation)
                featureOrder.append(key)
            }
            values[key, default: [:]][r.caseID, default: [:]][r.variantID] = r.value
        }
        let perturbed = variantOrder.filter { $0 != Variant.original.id }
        var groups: [(name: String, variants: [String])] = []
        for variant in perturbed {
            let group = groupOf[variant]!
            if let i = groups.firstIndex(where: { $0.name == group }) {
                groups[i].variants.append(variant)
            } else {
                groups.append((group, [variant]))
            }
        }
        if groups.count > 1 { groups.append(("all", perturbed)) }

        var results: [StabilityRecord] = []
        for group in groups {
            let raters = [Variant.original.id] + group.variants
            for key in featureOrder {
                let info = featureInfo[key]!
                let table: [[Double]] = caseOrder.compactMap { c in
                    guard let row = values[key]?[c] else { return nil }
                    let cells = raters.map { row[$0] ?? .nan }
                    return cells.allSatisfy(\.isFinite) ? cells : nil
                }
                var estimate = Double.nan, lower = Double.nan, upper = Double.nan
                if table.count >= 2 {
                    let icc = IntraclassCorrelation(form, anova: TwoWayANOVA(table))
                    (estimate, lower, upper) = (icc.estimate, icc.lower, icc.upper)
                }
                let judged = settings.metric == .ciLow ? lower : estimate
                results.append(StabilityRecord(
                    perturbation: group.name, family: info.family, feature: info.feature, code: info.code,
                    aggregation: info.aggregation, statistic: settings.statistic, estimate: estimate, lower: lower,
                    upper: upper, kooLi: ReliabilityClass(icc: lower)?.rawValue ?? "", robust: judged >= settings.threshold,
                    cases: table.count, raters: raters.count))
            }
        }
        return results
    }
}
