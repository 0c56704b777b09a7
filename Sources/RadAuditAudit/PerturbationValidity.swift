import RadAuditCore
import RadAuditStatistics

/// How well each perturbation group predicts robustness against real variation (Zwanenburg et al., Sci Rep
/// 2019;9:614): per group, the 2 × 2 table of robust-by-perturbation against robust-by-observation over the features
/// both define, robustness by observation counted as the truth (`perturbation_validity.csv`).
///
/// ```
/// tp: robust in both        fp: robust by perturbation only
/// fn: robust by observation only        tn: robust in neither
/// sensitivity = tp / (tp + fn)    specificity = tn / (tn + fp)    false robust fraction = fp / (tp + fp)
/// ```
/// with Cohen's κ and its 95 % CI (``CohenKappa``). A feature enters a group's table only when its perturbation
/// ICC and its observed ICC are both defined (finite estimates); fractions with a zero denominator are NaN.
public struct PerturbationValidity: Sendable, Hashable {
    public var perturbation: String
    /// The rater axis of the observation (`repeat`, `observer`, `protocol`).
    public var observed: String
    public var truePositive: Int
    public var falsePositive: Int
    public var falseNegative: Int
    public var trueNegative: Int
    public var kappa: Double
    public var kappaLower: Double
    public var kappaUpper: Double

    public var sensitivity: Double { Double(truePositive) / Double(truePositive + falseNegative) }
    public var specificity: Double { Double(trueNegative) / Double(trueNegative + falsePositive) }
    /// The fraction of features called robust by the perturbation that are not robust by observation.
    public var falseRobustFraction: Double { Double(falsePositive) / Double(truePositive + falsePositive) }

    public static let columns = ["perturbation", "observed", "tp", "fp", "fn", "tn", "sensitivity", "specificity", "kappa",
                                 "kappa_ci_low", "kappa_ci_high", "false_robust_fraction"]

    public var fields: [String] {
        [perturbation, observed, String(truePositive), String(falsePositive), String(falseNegative), String(trueNegative),
         Number.format(sensitivity), Number.format(specificity), Number.format(kappa), Number.format(kappaLower),
         Number.format(kappaUpper), Number.format(falseRobustFraction)]
    }

    init(row: CSVRow) throws {
        self.init(perturbation: try row.text("perturbation"), observed: try row.text("observed"), truePositive: try row.integer("tp"),
                  falsePositive: try row.integer("fp"), falseNegative: try row.integer("fn"), trueNegative: try row.integer("tn"),
                  kappa: try row.number("kappa"), kappaLower: try row.number("kappa_ci_low"),
                  kappaUpper: try row.number("kappa_ci_high"))
    }

    public init(perturbation: String, observed: String, truePositive: Int, falsePositive: Int, falseNegative: Int,
                trueNegative: Int, kappa: Double, kappaLower: Double, kappaUpper: Double) {
        self.perturbation = perturbation
        self.observed = observed
        self.truePositive = truePositive
        self.falsePositive = falsePositive
        self.falseNegative = falseNegative
        self.trueNegative = trueNegative
        self.kappa = kappa
        self.kappaLower = kappaLower
        self.kappaUpper = kappaUpper
    }

    /// One table per perturbation group of `stability` (in its order), against `observed`.
    public static func compare(stability: [StabilityResult], observed: ObservedAgreement) -> [PerturbationValidity] {
        var truth: [FeatureKey: Bool] = [:]
        for row in observed.rows where row.result.estimate.isFinite { truth[row.result.key] = row.result.robust }
        var groups: [String] = []
        var counts: [String: [Int]] = [:]  // tp, fp, fn, tn
        for result in stability where result.estimate.isFinite {
            guard let observedRobust = truth[result.key] else { continue }
            if counts[result.perturbation] == nil { groups.append(result.perturbation); counts[result.perturbation] = [0, 0, 0, 0] }
            let cell = switch (result.robust, observedRobust) {
            case (true, true): 0
            case (true, false): 1
            case (false, true): 2
            case (false, false): 3
            }
            counts[result.perturbation]![cell] += 1
        }
        return groups.map { group in
            let c = counts[group]!
            let kappa = CohenKappa(bothPositive: c[0], firstOnly: c[1], secondOnly: c[2], bothNegative: c[3])
            return PerturbationValidity(perturbation: group, observed: observed.axis.rawValue, truePositive: c[0],
                                        falsePositive: c[1], falseNegative: c[2], trueNegative: c[3], kappa: kappa.estimate,
                                        kappaLower: kappa.interval.lower, kappaUpper: kappa.interval.upper)
        }
    }
}
