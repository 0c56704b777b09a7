import RealModule

/// Anderson–Darling k-sample test (Scholz & Stephens, JASA 1987;82:918), midrank version for tied data
/// (`A²akN`, kSamples "version 2", `scipy.stats.anderson_ksamp(variant="midrank")`):
/// ```
/// A²akN = (N−1)/N² Σ_i 1/n_i Σ_j l_j (N·M_aij − n_i·B_aj)² / (B_aj (N − B_aj) − N l_j/4)
/// ```
/// over the distinct pooled values `z_j` with multiplicity `l_j`, `B_aj` = #pooled values `< z_j` plus
/// `l_j/2`, `M_aij` the same count within sample i. Standardised statistic `T = (A²akN − (k−1))/σ_N` with
/// Scholz & Stephens' exact variance `σ_N²` (needs N ≥ 4).
///
/// p-value: Scholz & Stephens' Table 1 critical values interpolated to m = k − 1 and a quadratic fit of
/// log(α) on them, evaluated at T — scipy's method, **capped to [0.001, 0.25]** outside the table
/// (kSamples extrapolates instead, so its p-values differ slightly).
public struct AndersonDarling: Sendable, Equatable {
    /// `A²akN`.
    public let statistic: Double
    /// Standardised statistic `T`.
    public let standardized: Double
    public let pValue: Double

    public init(_ groups: [[Double]]) {
        let groups = groups.map { $0.filter { !$0.isNaN }.sorted() }.filter { !$0.isEmpty }
        let k = groups.count
        let pooled = groups.flatMap { $0 }.sorted()
        let count = pooled.count
        guard k >= 2, count >= 4 else {
            statistic = .nan
            standardized = .nan
            pValue = .nan
            return
        }
        let n = Double(count)
        var distinct: [Double] = [], multiplicity: [Double] = [], below: [Double] = []
        var index = 0
        while index < count {
            var end = index + 1
            while end < count && pooled[end] == pooled[index] { end += 1 }
            distinct.append(pooled[index])
            multiplicity.append(Double(end - index))
            below.append(Double(index))
            index = end
        }
        var a2 = 0.0
        for group in groups {
            let size = Double(group.count)
            var inner = 0.0, position = 0
            for (j, value) in distinct.enumerated() {
                while position < group.count && group[position] < value { position += 1 }
                let lessThan = position
                while position < group.count && group[position] == value { position += 1 }
                let equal = Double(position - lessThan)
                let m = Double(lessThan) + equal / 2
                let b = below[j] + multiplicity[j] / 2
                let deviation = n * m - size * b
                inner += multiplicity[j] * deviation * deviation / (b * (n - b) - n * multiplicity[j] / 4)
            }
            a2 += inner / size
        }
        a2 *= (n - 1) / (n * n)
        statistic = a2
        let sigma = Self.variance(sampleSizes: groups.map(\.count)).squareRoot()
        standardized = (a2 - Double(k - 1)) / sigma
        pValue = Self.interpolatedPValue(standardized, m: Double(k - 1))
    }

    /// Scholz & Stephens' variance of `A²kN` under H0 (their eq. 4).
    static func variance(sampleSizes: [Int]) -> Double {
        let count = sampleSizes.reduce(0, +)
        let n = Double(count), k = Double(sampleSizes.count)
        let bigH = sampleSizes.reduce(0.0) { $0 + 1 / Double($1) }
        // h = Σ_{i=1}^{N−1} 1/i; g = Σ_{i=1}^{N−2} Σ_{j=i+1}^{N−1} 1/((N−i) j) = Σ_i (h_{N−1} − h_i)/(N−i).
        var partial = [0.0]
        for i in 1..<count { partial.append(partial[i - 1] + 1 / Double(i)) }
        let h = partial[count - 1]
        var g = 0.0
        for i in 1..<max(1, count - 1) { g += (h - partial[i]) / Double(count - i) }
        let a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * bigH
        let b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6
        let c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * bigH + 4 * h
        let d = (2 * h + 6) * k * k - 4 * h * k
        return (a * n * n * n + b * n * n + c * n + d) / ((n - 1) * (n - 2) * (n - 3))
    }

    /// Significance levels of Scholz & Stephens' Table 1 and the coefficients of their critical values
    /// `t_α(m) = b0 + b1/√m + b2/m`.
    private static let levels = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]
    private static let b0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
    private static let b1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
    private static let b2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]

    static func interpolatedPValue(_ t: Double, m: Double) -> Double {
        guard !t.isNaN else { return .nan }
        let critical = (0..<levels.count).map { b0[$0] + b1[$0] / m.squareRoot() + b2[$0] / m }
        if t < critical.min()! { return levels.max()! }
        if t > critical.max()! { return levels.min()! }
        let design = critical.map { [1, $0, $0 * $0] }
        guard let coefficients = LinearAlgebra.leastSquares(design, levels.map { Double.log($0) }) else { return .nan }
        return .exp(coefficients[0] + coefficients[1] * t + coefficients[2] * t * t)
    }
}
