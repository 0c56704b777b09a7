/// Kruskal–Wallis H test (Kruskal & Wallis, JASA 1952) with the tie correction, χ²(k − 1) p-value;
/// the same as `scipy.stats.kruskal` and R `kruskal.test`.
///
/// `H = [12/(N(N+1)) Σ_i R_i²/n_i − 3(N+1)] / (1 − Σ_t (t³ − t)/(N³ − N))`, `R_i` the rank sum of group i.
/// NaN values are dropped; empty groups are ignored. NaN when fewer than two groups remain or all values
/// are tied. Tests location (stochastic dominance) only: a pure scale difference between sites is missed.
public struct KruskalWallis: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double

    public init(_ groups: [[Double]]) {
        let groups = groups.map { $0.filter { !$0.isNaN } }.filter { !$0.isEmpty }
        degreesOfFreedom = groups.count - 1
        guard groups.count >= 2 else {
            statistic = .nan
            pValue = .nan
            return
        }
        let pooled = groups.flatMap { $0 }
        let (ranks, tieSizes) = Ranking.midranks(pooled)
        let n = Double(pooled.count)
        var offset = 0, sum = 0.0
        for group in groups {
            let rankSum = ranks[offset..<(offset + group.count)].reduce(0, +)
            sum += rankSum * rankSum / Double(group.count)
            offset += group.count
        }
        let ties = tieSizes.reduce(0.0) { let t = Double($1); return $0 + t * t * t - t }
        let correction = 1 - ties / (n * n * n - n)
        let h = correction > 0 ? (12 / (n * (n + 1)) * sum - 3 * (n + 1)) / correction : .nan
        statistic = h
        pValue = ChiSquaredDistribution(degreesOfFreedom: Double(degreesOfFreedom)).sf(h)
    }
}
