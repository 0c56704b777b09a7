/// Adjusted p-values for a family of tests; NaN p-values are left out of the family and stay NaN.
///
/// * Benjamini–Hochberg (JRSS-B 1995) step-up: `q_(i) = min_{j ≥ i} min(1, m p_(j)/j)`;
/// * Benjamini–Yekutieli: BH times `Σ_{i=1}^m 1/i`;
/// * Bonferroni: `min(1, m p)`; Holm step-down: `q_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))`.
/// Identical to statsmodels `multipletests`, scipy `false_discovery_control` and R `p.adjust`.
public enum MultipleTesting {
    public enum Method: String, Sendable, CaseIterable {
        case benjaminiHochberg = "BH"
        case benjaminiYekutieli = "BY"
        case bonferroni
        case holm
    }

    public static func adjust(_ pValues: [Double], method: Method = .benjaminiHochberg) -> [Double] {
        let tested = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = Double(tested.count)
        var adjusted = Array(repeating: Double.nan, count: pValues.count)
        switch method {
        case .benjaminiHochberg, .benjaminiYekutieli:
            let factor = method == .benjaminiYekutieli ? (1...max(1, tested.count)).reduce(0.0) { $0 + 1 / Double($1) } : 1
            var running = 1.0
            for (rank, index) in tested.enumerated().reversed() {
                running = min(running, factor * m * pValues[index] / Double(rank + 1))
                adjusted[index] = min(1, running)
            }
        case .bonferroni:
            for index in tested { adjusted[index] = min(1, m * pValues[index]) }
        case .holm:
            var running = 0.0
            for (rank, index) in tested.enumerated() {
                running = max(running, min(1, (m - Double(rank)) * pValues[index]))
                adjusted[index] = running
            }
        }
        return adjusted
    }
}
