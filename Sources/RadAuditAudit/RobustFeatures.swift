import Foundation
import RadAuditCore

/// The audit's answer: the features robust under every perturbation group the protocol requires
/// (`stability: required:`, default every group), written to `robust_features.csv` with the column name they have in
/// `features_wide.csv` and their weakest agreement among the required groups.
public enum RobustFeatures {
    public static let fileName = "robust_features.csv"

    public static func columns(filtered: Bool) -> [String] {
        (filtered ? ["filter"] : []) + ["family", "feature", "ibsi_code", "aggregation", "column", "required_groups",
                                        "lowest_estimate", "lowest_ci_low"]
    }

    /// The groups `required` names, or every group of `stability` in table order.
    public static func requiredGroups(_ stability: [StabilityResult], required: [String]?) -> [String] {
        if let required { return required }
        var groups: [String] = []
        for r in stability where !groups.contains(r.perturbation) { groups.append(r.perturbation) }
        return groups
    }

    /// The recommended features, in the order they first appear in `stability`, with their results in the
    /// required groups.
    public static func recommended(_ stability: [StabilityResult], required: [String]?) -> [(key: FeatureKey, results: [StabilityResult])] {
        let groups = requiredGroups(stability, required: required)
        guard !groups.isEmpty else { return [] }
        var byFeature: [FeatureKey: [String: StabilityResult]] = [:]
        var order: [FeatureKey] = []
        for r in stability {
            if byFeature[r.key] == nil { order.append(r.key) }
            byFeature[r.key, default: [:]][r.perturbation] = r
        }
        return order.compactMap { key in
            let results = groups.compactMap { byFeature[key]?[$0] }
            return results.count == groups.count && results.allSatisfy(\.robust) ? (key, results) : nil
        }
    }

    /// The rows of `robust_features.csv`.
    public static func rows(_ stability: [StabilityResult], required: [String]?, filtered: Bool) -> [[String]] {
        let groups = requiredGroups(stability, required: required).joined(separator: ";")
        var order: [FeatureKey] = []
        var seen = Set<FeatureKey>()
        for r in stability where seen.insert(r.key).inserted { order.append(r.key) }
        let names = Dictionary(zip(order, FeatureNaming.uniqueColumnNames(order)), uniquingKeysWith: { a, _ in a })
        return recommended(stability, required: required).map { key, results in
            (filtered ? [key.filter] : []) + [key.family, key.feature, key.ibsiCode, key.aggregation, names[key]!, groups,
                                              Number.format(results.map(\.estimate).min()!),
                                              Number.format(results.map(\.ciLow).min()!)]
        }
    }

    static func write(_ stability: [StabilityResult], required: [String]?, filtered: Bool, to base: URL) throws {
        try AtomicFile.write(CSVTable.render(header: columns(filtered: filtered),
                                             rows: rows(stability, required: required, filtered: filtered)),
                             to: base.appendingPathComponent(fileName).path)
    }
}
