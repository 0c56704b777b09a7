/// Two-sample Kolmogorov–Smirnov test, two-sided: `D = max |F₁(x) − F₂(x)|` over the pooled values (ties
/// handled exactly in D).
///
/// **p-value method** (implementation-defined across tools, so it is named in ``method``):
/// * ``Method/exact``: the exact null distribution of D for continuous data (no ties), by counting the
///   lattice paths of the two merged samples that stay inside `|i/m − j/n| < D` — the same quantity as
///   `scipy.stats.ks_2samp(method="exact")`. With ties the true p-value is smaller (R's `ks.test`
///   accounts for ties); this one is conservative. Used when `m·n ≤ 10⁸`.
/// * ``Method/asymptotic``: Kolmogorov's limiting distribution of `√(mn/(m+n))·D` (R's asymptotic
///   `ks.test`), for larger samples.
public struct KolmogorovSmirnov: Sendable, Equatable {
    public enum Method: String, Sendable {
        case exact = "exact-no-ties"
        case asymptotic = "asymptotic-kolmogorov"
    }

    public let statistic: Double
    public let pValue: Double
    public let method: Method

    /// Largest `m·n` for the exact path count (O(mn) time).
    static let exactLimit = 100_000_000

    public init(_ first: [Double], _ second: [Double]) {
        let x = first.filter { !$0.isNaN }.sorted(), y = second.filter { !$0.isNaN }.sorted()
        let m = x.count, n = y.count
        guard m > 0, n > 0 else {
            statistic = .nan
            pValue = .nan
            method = .exact
            return
        }
        // D as an exact multiple of 1/lcm(m, n): |i·n − j·m| / (m·n) at every pooled value.
        var i = 0, j = 0, largest = 0
        while i < m || j < n {
            let value = j == n || (i < m && x[i] <= y[j]) ? x[i] : y[j]
            while i < m && x[i] == value { i += 1 }
            while j < n && y[j] == value { j += 1 }
            largest = max(largest, abs(i * n - j * m))
        }
        statistic = Double(largest) / Double(m * n)
        if m * n <= Self.exactLimit {
            method = .exact
            pValue = Self.exactPValue(m: m, n: n, bound: largest)
        } else {
            method = .asymptotic
            let size = (Double(m) * Double(n) / Double(m + n)).squareRoot()
            pValue = KolmogorovDistribution.sf(size * statistic)
        }
    }

    /// `P(D ≥ d)` under H0 for continuous data, `d = bound/(m n)`: one minus the probability that a uniformly
    /// random monotone path from (0,0) to (m,n) keeps `|i n − j m| < bound` at every point.
    static func exactPValue(m: Int, n: Int, bound: Int) -> Double {
        guard bound > 0, m > 0, n > 0 else { return 1 }
        // probability[j]: chance that the path reaches (i, j) having stayed inside the band.
        var probability = Array(repeating: 0.0, count: n + 1)
        probability[0] = 1
        for j in 1...n {
            probability[j] = j * m < bound ? probability[j - 1] * Double(n - j + 1) / Double(m + n - j + 1) : 0
        }
        for i in 1...m {
            let stepI = Double(m - i + 1)
            probability[0] = abs(i * n) < bound ? probability[0] * stepI / Double(m + n - i + 1) : 0
            for j in 1...n {
                guard abs(i * n - j * m) < bound else {
                    probability[j] = 0
                    continue
                }
                let remaining = Double(m + n - i - j + 1)
                probability[j] = (probability[j] * stepI + probability[j - 1] * Double(n - j + 1)) / remaining
            }
        }
        return min(1, max(0, 1 - probability[n]))
    }
}
