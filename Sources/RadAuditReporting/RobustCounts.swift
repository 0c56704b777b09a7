import RadAuditAudit

/// Robust and scored features per category (family or filter) and perturbation group, counted in one pass over the
/// stability table: the summary table of the report, its family overview and `tables/robust_per_group`.
struct RobustCounts {
    private var counts: [String: (robust: Int, scored: Int)] = [:]
    private var totals: [String: (robust: Int, scored: Int)] = [:]

    init(_ stability: [StabilityResult], category: (StabilityResult) -> String) {
        for r in stability {
            let key = category(r) + "\u{0}" + r.perturbation
            counts[key, default: (0, 0)].scored += 1
            totals[r.perturbation, default: (0, 0)].scored += 1
            if r.robust {
                counts[key]!.robust += 1
                totals[r.perturbation]!.robust += 1
            }
        }
    }

    /// The counts of `category` in `group`; of every category when `category` is nil.
    func count(_ category: String?, _ group: String) -> (robust: Int, scored: Int) {
        (category.map { counts[$0 + "\u{0}" + group] } ?? totals[group]) ?? (0, 0)
    }
}
