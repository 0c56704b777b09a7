import Foundation
import RadAuditCore

/// What `radaudit sites` found: per-feature site-effect tests on a wide table and, with `--harmonize`, the same
/// tests after ComBat, with the values needed to draw the report.
public struct SiteAnalysis: Sendable {
    /// ComBat settings and results.
    public struct Harmonisation: Sendable {
        /// `parametric`, `nonparametric`, `mean-only` or `no-eb`.
        public var method: String
        public var categorical: [String]
        public var continuous: [String]
        public var referenceSite: String?
        /// Harmonised values, features × samples, in the order of ``SiteAnalysis/featureNames``.
        public var values: [[Double]]
        /// Site tests after harmonisation (stage `after`).
        public var tests: [SiteTestResult]
        /// Output files (name → SHA-256): the harmonised table and its tests.
        public var outputs: [TableFile]

        public init(method: String, categorical: [String], continuous: [String], referenceSite: String?, values: [[Double]],
                    tests: [SiteTestResult], outputs: [TableFile]) {
            self.method = method
            self.categorical = categorical
            self.continuous = continuous
            self.referenceSite = referenceSite
            self.values = values
            self.tests = tests
            self.outputs = outputs
        }
    }

    /// The input table as given on the command line, and the SHA-256 of its bytes.
    public var input: String
    public var inputSHA256: String
    public var siteColumn: String
    public var idColumn: String?
    /// One identifier per sample (the id column, or the table line).
    public var sampleIDs: [String]
    /// The site of every sample.
    public var sites: [String]
    /// Features with numeric values, and their values (features × samples, NaN missing).
    public var featureNames: [String]
    public var values: [[Double]]
    /// Site tests on the data as given (stage `before`).
    public var tests: [SiteTestResult]
    /// Output files of the tests (name → SHA-256).
    public var outputs: [TableFile]
    public var harmonisation: Harmonisation?
    /// Warnings for the reader: ComBat's assumptions, degenerate features.
    public var warnings: [String]
    public var started: Date
    public var finished: Date
    public var toolVersion: String

    public init(input: String, inputSHA256: String, siteColumn: String, idColumn: String?, sampleIDs: [String], sites: [String],
                featureNames: [String], values: [[Double]], tests: [SiteTestResult], outputs: [TableFile],
                harmonisation: Harmonisation?, warnings: [String], started: Date, finished: Date, toolVersion: String) {
        self.input = input
        self.inputSHA256 = inputSHA256
        self.siteColumn = siteColumn
        self.idColumn = idColumn
        self.sampleIDs = sampleIDs
        self.sites = sites
        self.featureNames = featureNames
        self.values = values
        self.tests = tests
        self.outputs = outputs
        self.harmonisation = harmonisation
        self.warnings = warnings
        self.started = started
        self.finished = finished
        self.toolVersion = toolVersion
    }

    /// Sites in order of first appearance.
    public var siteOrder: [String] {
        var seen = Set<String>()
        return sites.filter { seen.insert($0).inserted }
    }

    /// The SHA-256 of a file's bytes (lower-case hexadecimal); nil when it cannot be read.
    public static func sha256(ofFile path: String) -> String? {
        FileManager.default.contents(atPath: path).map(SHA256Digest.hex)
    }
}

/// Checks of ComBat's assumptions before harmonising (Orlhac et al., J Nucl Med 2022;63:172: enough samples per
/// site, covariates not confounded with site, roughly unimodal feature distributions within sites).
public enum HarmonisationChecks {
    /// Warnings in plain words; empty when nothing looks violated.
    /// - Parameters:
    ///   - values: features × samples (NaN missing).
    ///   - sites: the site of every sample.
    ///   - categorical/continuous: the covariates ComBat is to preserve.
    public static func warnings(values: [[Double]], featureNames: [String], sites: [String],
                                categorical: [(name: String, values: [String])] = [],
                                continuous: [(name: String, values: [Double])] = []) -> [String] {
        var warnings: [String] = []
        var order: [String] = []
        var counts: [String: Int] = [:]
        for site in sites {
            if counts[site] == nil { order.append(site) }
            counts[site, default: 0] += 1
        }
        let covariateColumns = categorical.reduce(0) { $0 + max(Set($1.values).count - 1, 0) } + continuous.count
        for site in order where counts[site]! < covariateColumns + 2 {
            warnings.append("site '\(site)' has \(counts[site]!) sample(s), fewer than the number of covariate columns + 2 "
                            + "(\(covariateColumns + 2)): its location and scale estimates are unreliable")
        }
        for covariate in categorical {
            let v = cramersV(covariate.values, sites)
            if v >= 0.8 {
                warnings.append("covariate '\(covariate.name)' is \(v >= 1 - 1e-12 ? "completely" : "strongly") confounded with "
                                + "site (Cramér's V = \(Number.readable(v, digits: 3))): ComBat cannot separate its effect from the site's")
            }
        }
        for covariate in continuous {
            let eta = correlationRatio(covariate.values, sites)
            if eta >= 0.8 {
                warnings.append("covariate '\(covariate.name)' is strongly confounded with site (η² = \(Number.readable(eta, digits: 3))): "
                                + "ComBat cannot separate its effect from the site's")
            }
        }
        var multimodal: [String] = []
        for (name, feature) in zip(featureNames, values) {
            let residuals = withinSiteResiduals(feature, sites)
            guard residuals.count >= 10 else { continue }
            if bimodalityCoefficient(residuals) > 5.0 / 9.0 { multimodal.append(name) }
        }
        if !multimodal.isEmpty {
            let listed = multimodal.prefix(10).joined(separator: ", ") + (multimodal.count > 10 ? ", …" : "")
            warnings.append("\(multimodal.count) of \(values.count) features look multimodal or strongly skewed within sites "
                            + "(Sarle's bimodality coefficient > 5/9 after removing site means): ComBat assumes roughly normal "
                            + "values per site; consider transforming them first (\(listed))")
        }
        return warnings
    }

    /// Cramér's V of two categorical variables (0: independent, 1: each determines the other).
    static func cramersV(_ a: [String], _ b: [String]) -> Double {
        let n = Double(a.count)
        let rows = Array(Set(a)).sorted(), columns = Array(Set(b)).sorted()
        guard rows.count > 1, columns.count > 1, n > 0 else { return 0 }
        var table: [String: Double] = [:]
        for (x, y) in zip(a, b) { table["\(x)\u{0}\(y)", default: 0] += 1 }
        let rowTotals = rows.map { r in Double(a.filter { $0 == r }.count) }
        let columnTotals = columns.map { c in Double(b.filter { $0 == c }.count) }
        var chiSquare = 0.0
        for (i, r) in rows.enumerated() {
            for (j, c) in columns.enumerated() {
                let expected = rowTotals[i] * columnTotals[j] / n
                let observed = table["\(r)\u{0}\(c)"] ?? 0
                chiSquare += (observed - expected) * (observed - expected) / expected
            }
        }
        return (chiSquare / (n * Double(min(rows.count, columns.count) - 1))).squareRoot()
    }

    /// η²: the share of a continuous variable's variance explained by the site means.
    static func correlationRatio(_ values: [Double], _ sites: [String]) -> Double {
        let pairs = zip(values, sites).filter { $0.0.isFinite }
        guard pairs.count > 1 else { return 0 }
        let mean = pairs.reduce(0) { $0 + $1.0 } / Double(pairs.count)
        let total = pairs.reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) }
        guard total > 0 else { return 0 }
        let groups = Dictionary(grouping: pairs, by: \.1)
        let between = groups.values.reduce(0.0) { sum, group in
            let m = group.reduce(0) { $0 + $1.0 } / Double(group.count)
            return sum + Double(group.count) * (m - mean) * (m - mean)
        }
        return between / total
    }

    /// The finite values minus their site's mean.
    static func withinSiteResiduals(_ values: [Double], _ sites: [String]) -> [Double] {
        let pairs = zip(values, sites).filter { $0.0.isFinite }
        var sums: [String: (Double, Int)] = [:]
        for (value, site) in pairs { sums[site, default: (0, 0)].0 += value; sums[site, default: (0, 0)].1 += 1 }
        return pairs.map { $0.0 - sums[$0.1]!.0 / Double(sums[$0.1]!.1) }
    }

    /// Sarle's bimodality coefficient `(G₁² + 1) / (G₂ + 3(n−1)²/((n−2)(n−3)))` with the sample-size-adjusted
    /// skewness G₁ and excess kurtosis G₂; 5/9 for a uniform distribution, larger for bimodal (or very skewed) data.
    /// NaN for fewer than four values or no spread.
    static func bimodalityCoefficient(_ x: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count >= 4 else { return .nan }
        let mean = x.reduce(0, +) / n
        let m2 = x.reduce(0) { $0 + pow($1 - mean, 2) } / n
        guard m2 > 0 else { return .nan }
        let m3 = x.reduce(0) { $0 + pow($1 - mean, 3) } / n
        let m4 = x.reduce(0) { $0 + pow($1 - mean, 4) } / n
        let g1 = m3 / pow(m2, 1.5), g2 = m4 / (m2 * m2) - 3
        let skewness = g1 * (n * (n - 1)).squareRoot() / (n - 2)
        let kurtosis = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
        return (skewness * skewness + 1) / (kurtosis + 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)))
    }
}
