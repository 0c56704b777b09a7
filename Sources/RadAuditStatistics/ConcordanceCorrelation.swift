import RealModule

/// Lin's concordance correlation coefficient of two raters (Lin 1989; correction 2000), moments with divisor n:
/// ```
/// ρc = 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²)     r = s_xy/(s_x s_y)     Cb = ρc/r
/// v = s_x/s_y (scale shift)                  u = (x̄ − ȳ)/√(s_x s_y) (location shift)
/// var(ρ̂c) = [(1−r²)ρc²(1−ρc²)/r² + 2ρc³(1−ρc)u²/r − ρc⁴u⁴/(2r²)] / (n−2)
/// z = atanh ρc,  var(z) = var(ρ̂c)/(1−ρc²)²,  CI = tanh(z ∓ z_{1−α/2} √var(z))   (epiR "z-transform")
/// ```
/// Pairs with a missing (NaN) value are dropped. Edge cases: a constant rater gives ρc = 0 with r, Cb and
/// the CI NaN (epiR returns NA); perfect agreement gives ρc = 1, z = +∞ and a NaN Fisher-z interval (the
/// untransformed asymptotic interval is then [1, 1]); fewer than two pairs give NaN.
public struct ConcordanceCorrelation: Sendable, Equatable {
    /// Number of complete pairs used.
    public let count: Int
    public let estimate: Double
    public let pearson: Double
    public let biasCorrection: Double
    public let scaleShift: Double
    public let locationShift: Double
    /// `var(ρ̂c)` and `var(atanh ρ̂c)`.
    public let variance: Double
    public let zVariance: Double
    /// Fisher-z confidence interval.
    public let lower: Double
    public let upper: Double
    /// Untransformed interval `ρc ∓ z_{1−α/2} √var(ρ̂c)`.
    public let asymptoticLower: Double
    public let asymptoticUpper: Double

    public init(_ x: [Double], _ y: [Double], confidenceLevel: Double = 0.95) {
        precondition(x.count == y.count, "concordance needs paired values")
        let pairs = zip(x, y).filter { !$0.0.isNaN && !$0.1.isNaN }
        count = pairs.count
        let n = Double(count)
        let pivot = pairs.first?.0 ?? 0
        let xs = pairs.map { $0.0 - pivot }, ys = pairs.map { $0.1 - pivot }
        let meanX = Summation.mean(xs), meanY = Summation.mean(ys)
        let varX = Summation.squaredDeviations(xs, about: meanX) / n
        let varY = Summation.squaredDeviations(ys, about: meanY) / n
        let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / n
        let difference = meanX - meanY
        let rho = count < 2 ? .nan : 2 * covariance / (varX + varY + difference * difference)
        let r = covariance / (varX * varY).squareRoot()
        let u = difference / (varX * varY).squareRoot().squareRoot()
        estimate = rho
        pearson = r
        biasCorrection = rho / r
        scaleShift = (varX / varY).squareRoot()
        locationShift = u
        let rho2 = rho * rho, u2 = u * u
        variance = ((1 - r * r) * rho2 * (1 - rho2) / (r * r)
            + 2 * rho * rho2 * (1 - rho) * u2 / r
            - rho2 * rho2 * u2 * u2 / (2 * r * r)) / (n - 2)
        zVariance = variance / ((1 - rho2) * (1 - rho2))
        let quantile = NormalDistribution.quantile(1 - (1 - confidenceLevel) / 2)
        let z = Double.atanh(rho)
        let zHalfWidth = quantile * zVariance.squareRoot()
        lower = Double.tanh(z - zHalfWidth)
        upper = Double.tanh(z + zHalfWidth)
        let halfWidth = quantile * variance.squareRoot()
        asymptoticLower = rho - halfWidth
        asymptoticUpper = rho + halfWidth
    }
}

/// Overall concordance correlation of `J ≥ 2` raters (Barnhart, Haber & Song 2002), moments with divisor n:
/// `OCCC = Σ_{j<k} ξ_jk ρc_jk / Σ_{j<k} ξ_jk`, `ξ_jk = σ_j² + σ_k² + (μ_j − μ_k)²`, computed through the
/// equivalent closed form `2 Σ_{j<k} σ_jk / ((J−1) Σ_j σ_j² + Σ_{j<k} (μ_j − μ_k)²)` (King & Chinchilli 2001).
/// (epiR's `epi.occc` uses divisor n − 1 and differs slightly.) NaN for fewer than two subjects or raters.
public enum OverallConcordance {
    /// - Parameter table: complete rows (subjects) of `J` values (raters).
    public static func estimate(_ table: [[Double]]) -> Double {
        let raters = table.first?.count ?? 0
        guard table.count >= 2, raters >= 2 else { return .nan }
        let n = Double(table.count)
        let pivot = table[0][0]
        let columns = (0..<raters).map { j in table.map { $0[j] - pivot } }
        let means = columns.map { Summation.mean($0) }
        var sumOfVariances = 0.0, sumOfCovariances = 0.0, sumOfMeanDifferences = 0.0
        for j in 0..<raters {
            sumOfVariances += Summation.squaredDeviations(columns[j], about: means[j]) / n
            for l in (j + 1)..<raters {
                sumOfCovariances += zip(columns[j], columns[l])
                    .reduce(0) { $0 + ($1.0 - means[j]) * ($1.1 - means[l]) } / n
                sumOfMeanDifferences += (means[j] - means[l]) * (means[j] - means[l])
            }
        }
        return 2 * sumOfCovariances / (Double(raters - 1) * sumOfVariances + sumOfMeanDifferences)
    }
}
