import RadAuditStatistics
import RadAuditCore


/// Scores every feature's stability per perturbation group from the long feature table.
///
/// The raters of a group are the original plus the group's variants; the group `all` uses every variant.
/// Subjects are cases; a case missing any of the group's values (a skipped variant, a NaN feature) is left
/// out (listwise deletion). Fewer than two complete cases give NaN.
public enum StabilityAnalysis {
    public static func analyse(_ records: [FeatureValue], settings: StabilitySettings) -> [StabilityResult] {
        guard let form = IntraclassCorrelation.Form(rawValue: settings.statistic) else { return [] }
        // Variant order and groups as they appear in the table; cases in table order.
        var variantOrder: [String] = [], groupOf: [String: String] = [:], caseOrder: [String] = []
        var seenCases = Set<String>()
        var featureOrder: [String] = []
        var featureInfo: [String: (family: String, feature: String, code: String, aggregation: String, filter: String)] = [:]
        var values: [String: [String: [String: Double]]] = [:]  // feature key → case → variant → value
        for r in records {
            if groupOf[r.variantID] == nil {
                groupOf[r.variantID] = r.perturbation
                variantOrder.append(r.variantID)
            }
            if seenCases.insert(r.caseID).inserted { caseOrder.append(r.caseID) }
            let key = r.filter + "|" + r.ibsiCode + "|" + r.aggregation
            if featureInfo[key] == nil {
                featureInfo[key] = (r.family, r.feature, r.ibsiCode, r.aggregation, r.filter)
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

        var results: [StabilityResult] = []
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
                results.append(StabilityResult(
                    perturbation: group.name, family: info.family, feature: info.feature, ibsiCode: info.code,
                    aggregation: info.aggregation, statistic: settings.statistic, estimate: estimate, ciLow: lower,
                    ciHigh: upper, kooLi: ReliabilityClass(icc: lower)?.rawValue ?? "", robust: judged >= settings.threshold,
                    cases: table.count, raters: raters.count, filter: info.filter))
            }
        }
        return results
    }
}
