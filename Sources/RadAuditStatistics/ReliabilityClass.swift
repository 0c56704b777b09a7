/// Koo & Li (J Chiropr Med 2016;15:155) reliability classes for an ICC: `< 0.50` poor, `[0.50, 0.75)`
/// moderate, `[0.75, 0.90)` good, `≥ 0.90` excellent (left-closed, as `effectsize::interpret_icc`).
/// Koo & Li recommend judging on the 95 % CI rather than on the point estimate; see ``ReliabilityRating``.
public enum ReliabilityClass: String, Sendable, CaseIterable, Comparable {
    case poor, moderate, good, excellent

    /// The class of an ICC value; nil for NaN.
    public init?(icc: Double) {
        guard !icc.isNaN else { return nil }
        switch icc {
        case ..<0.5: self = .poor
        case ..<0.75: self = .moderate
        case ..<0.9: self = .good
        default: self = .excellent
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The Koo & Li classes of an ICC's lower bound, estimate and upper bound.
public struct ReliabilityRating: Sendable, Equatable {
    public let lower: ReliabilityClass?
    public let estimate: ReliabilityClass?
    public let upper: ReliabilityClass?

    public init(_ icc: IntraclassCorrelation) {
        lower = ReliabilityClass(icc: icc.lower)
        estimate = ReliabilityClass(icc: icc.estimate)
        upper = ReliabilityClass(icc: icc.upper)
    }

    /// The judgement on the CI: `"good"` when both bounds fall in one class, `"good-excellent"` when they
    /// span several, empty when a bound is NaN.
    public var description: String {
        guard let lower, let upper else { return "" }
        return lower == upper ? lower.rawValue : "\(lower.rawValue)-\(upper.rawValue)"
    }
}
