import RadAuditAudit

/// The stability table indexed by (perturbation group, feature), built once and shared by the charts and tables
/// that look a feature up in a group.
struct StabilityIndex: Sendable {
    private let results: [String: StabilityResult]

    init(_ stability: [StabilityResult]) {
        results = Dictionary(stability.map { (Self.key($0.perturbation, $0.key), $0) }, uniquingKeysWith: { first, _ in first })
    }

    subscript(group: String, feature: FeatureKey) -> StabilityResult? { results[Self.key(group, feature)] }

    private static func key(_ group: String, _ feature: FeatureKey) -> String { group + "\u{0}" + AuditCharts.key(feature) }
}
