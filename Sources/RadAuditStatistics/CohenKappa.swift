/// Cohen's κ of two binary judgements of the same items (Cohen 1960), with the large-sample standard error of
/// Fleiss, Cohen & Everitt (Psychol Bull 1969;72:323) and a Wald confidence interval clipped to [−1, 1].
///
/// With the 2 × 2 table `p_ij` (proportions; `i` the first judgement, `j` the second), marginals `p_i.`, `p_.j`:
/// ```
/// p_o = p_11 + p_22          p_e = p_1. p_.1 + p_2. p_.2          κ = (p_o − p_e) / (1 − p_e)
/// Var κ = [ Σ_i p_ii (1 − (p_i. + p_.i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)² − (κ − p_e (1 − κ))² ]
///         / (N (1 − p_e)²)
/// ```
/// κ is NaN when `p_e = 1` (every item in one category on both sides: agreement by chance is certain) or the
/// table is empty.
public struct CohenKappa: Sendable, Equatable {
    public let estimate: Double
    public let standardError: Double
    public let interval: ConfidenceInterval

    /// - Parameters: the counts of the 2 × 2 table: `bothPositive` (first and second positive), `firstOnly`,
    ///   `secondOnly`, `bothNegative`.
    public init(bothPositive: Int, firstOnly: Int, secondOnly: Int, bothNegative: Int, confidenceLevel: Double = 0.95) {
        let n = Double(bothPositive + firstOnly + secondOnly + bothNegative)
        // p[i][j]: i = first judgement (0 positive, 1 negative), j = second.
        let p = [[Double(bothPositive), Double(firstOnly)], [Double(secondOnly), Double(bothNegative)]].map { $0.map { $0 / n } }
        let row = [p[0][0] + p[0][1], p[1][0] + p[1][1]]
        let column = [p[0][0] + p[1][0], p[0][1] + p[1][1]]
        let observed = p[0][0] + p[1][1]
        let chance = row[0] * column[0] + row[1] * column[1]
        guard n > 0, chance < 1 else {
            estimate = .nan
            standardError = .nan
            interval = ConfidenceInterval(lower: .nan, upper: .nan)
            return
        }
        let kappa = (observed - chance) / (1 - chance)
        var sum = 0.0
        for i in 0..<2 {
            sum += p[i][i] * (1 - (row[i] + column[i]) * (1 - kappa)) * (1 - (row[i] + column[i]) * (1 - kappa))
        }
        var offDiagonal = 0.0
        for i in 0..<2 { for j in 0..<2 where i != j { offDiagonal += p[i][j] * (column[i] + row[j]) * (column[i] + row[j]) } }
        sum += (1 - kappa) * (1 - kappa) * offDiagonal
        sum -= (kappa - chance * (1 - kappa)) * (kappa - chance * (1 - kappa))
        let se = (max(sum, 0) / (n * (1 - chance) * (1 - chance))).squareRoot()
        let z = NormalDistribution.quantile(1 - (1 - confidenceLevel) / 2)
        estimate = kappa
        standardError = se
        interval = ConfidenceInterval(lower: max(-1, kappa - z * se), upper: min(1, kappa + z * se))
    }
}
