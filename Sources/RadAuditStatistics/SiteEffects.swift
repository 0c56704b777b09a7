/// The site-effect tests of one feature before pooling multi-site data: Kruskal–Wallis and Anderson–Darling
/// across all sites, and a two-sample Kolmogorov–Smirnov test for every pair of sites.
/// q-values (Benjamini–Hochberg across features) are computed by the caller over a family of features.
public struct SiteEffects: Sendable {
    public struct Pair: Sendable, Equatable {
        public let first: String
        public let second: String
        public let test: KolmogorovSmirnov
    }

    /// Sites with at least one value, in order of first appearance.
    public let sites: [String]
    /// Number of values per site, in the order of ``sites``.
    public let sampleCounts: [Int]
    public let kruskalWallis: KruskalWallis
    public let andersonDarling: AndersonDarling
    public let pairs: [Pair]

    /// - Parameters:
    ///   - values: one value per sample; NaN (missing) values are dropped.
    ///   - sites: the site of each sample.
    public init(values: [Double], sites: [String]) {
        precondition(values.count == sites.count, "one site per value")
        var order: [String] = []
        var groups: [String: [Double]] = [:]
        for (value, site) in zip(values, sites) where !value.isNaN {
            if groups[site] == nil { order.append(site) }
            groups[site, default: []].append(value)
        }
        self.sites = order
        let samples = order.map { groups[$0]! }
        kruskalWallis = KruskalWallis(samples)
        andersonDarling = AndersonDarling(samples)
        var pairs: [Pair] = []
        for a in order.indices {
            for b in order.indices where b > a {
                pairs.append(Pair(first: order[a], second: order[b], test: KolmogorovSmirnov(samples[a], samples[b])))
            }
        }
        self.pairs = pairs
        sampleCounts = samples.map(\.count)
    }
}
