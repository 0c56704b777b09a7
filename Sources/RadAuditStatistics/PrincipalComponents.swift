import RadAuditCore

/// Principal component analysis of a cohort: every variable standardised to mean 0 and standard deviation 1 over
/// its non-missing samples, missing values set to the mean (0), then the leading components by eigen-decomposition
/// of the smaller of the sample Gram matrix (`n × n`) and the correlation matrix (`p × p`).
///
/// Variables with fewer than two values or no spread are left out (``variableCount`` says how many were used).
public struct PrincipalComponents: Sendable {
    /// Scores, `scores[k][i]` of sample `i` on component `k`.
    public let scores: [[Double]]
    /// The share of the total variance of each returned component.
    public let explainedVariance: [Double]
    /// Variables used.
    public let variableCount: Int

    /// - Parameters:
    ///   - data: variables × samples; NaN marks a missing value.
    ///   - components: how many leading components to return (fewer when the data have fewer).
    public init(_ data: [[Double]], components: Int = 2) {
        let sampleCount = data.first?.count ?? 0
        precondition(data.allSatisfy { $0.count == sampleCount }, "one value per sample for every variable")
        var standardized: [[Double]] = []
        for variable in data {
            let present = variable.filter(\.isFinite)
            guard present.count >= 2 else { continue }
            let mean = Summation.mean(present)
            let sd = Summation.variance(present).squareRoot()
            guard sd > 0, sd.isFinite else { continue }
            standardized.append(variable.map { $0.isFinite ? ($0 - mean) / sd : 0 })
        }
        variableCount = standardized.count
        guard variableCount > 0, sampleCount > 1 else {
            scores = []
            explainedVariance = []
            return
        }
        let p = variableCount, n = sampleCount
        let kept = min(components, min(n, p))
        var total = 0.0
        var leading: [(value: Double, scores: [Double])] = []
        if n <= p {
            // Z Zᵀ = U S² Uᵀ: scores are U S.
            var gram = Array(repeating: Array(repeating: 0.0, count: n), count: n)
            for i in 0..<n {
                for j in i..<n {
                    var sum = 0.0
                    for variable in standardized { sum += variable[i] * variable[j] }
                    gram[i][j] = sum
                    gram[j][i] = sum
                }
            }
            let eigen = SymmetricEigen(gram)
            total = eigen.values.reduce(0) { $0 + max($1, 0) }
            leading = (0..<kept).map { k in
                let root = max(eigen.values[k], 0).squareRoot()
                return (eigen.values[k], eigen.vectors[k].map { $0 * root })
            }
        } else {
            // Zᵀ Z = V S² Vᵀ: scores are Z V.
            var cross = Array(repeating: Array(repeating: 0.0, count: p), count: p)
            for a in 0..<p {
                for b in a..<p {
                    var sum = 0.0
                    for i in 0..<n { sum += standardized[a][i] * standardized[b][i] }
                    cross[a][b] = sum
                    cross[b][a] = sum
                }
            }
            let eigen = SymmetricEigen(cross)
            total = eigen.values.reduce(0) { $0 + max($1, 0) }
            leading = (0..<kept).map { k in
                let loading = eigen.vectors[k]
                return (eigen.values[k], (0..<n).map { i in (0..<p).reduce(0) { $0 + standardized[$1][i] * loading[$1] } })
            }
        }
        scores = leading.map(\.scores)
        explainedVariance = leading.map { total > 0 ? max($0.value, 0) / total : .nan }
    }
}
