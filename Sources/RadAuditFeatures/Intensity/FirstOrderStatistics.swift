/// The distribution measures shared by the intensity statistics (UHIW) and intensity histogram (ZVCW) families.
/// All moments are population moments about the mean, accumulated with a pivot shift in Double.
struct FirstOrderStatistics {
    let count: Int
    let mean: Double
    let variance: Double
    let skewness: Double
    let excessKurtosis: Double
    let median: Double
    let minimum: Double
    let percentile10: Double
    let percentile25: Double
    let percentile75: Double
    let percentile90: Double
    let maximum: Double
    let meanAbsoluteDeviation: Double
    let robustMeanAbsoluteDeviation: Double
    let medianAbsoluteDeviation: Double
    let energy: Double

    /// - Parameter values: the intensities (or grey levels) of the ROI; must not be empty.
    init(_ values: [Double]) {
        self.init(sorted: values.radixSorted())
    }

    /// - Parameter sorted: the intensities (or grey levels) of the ROI in ascending order; must not be empty.
    init(sorted: [Double]) {
        precondition(!sorted.isEmpty)
        let n = Double(sorted.count)
        count = sorted.count
        let pivot = sorted[sorted.count / 2]
        var shifted = 0.0
        var energy = 0.0
        for v in sorted {
            shifted += v - pivot
            energy += v * v
        }
        let mean = pivot + shifted / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0, absolute = 0.0
        for v in sorted {
            let d = v - mean
            let d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
            absolute += abs(d)
        }
        m2 /= n; m3 /= n; m4 /= n
        self.mean = mean
        self.energy = energy
        variance = m2
        // IBSI: skewness and kurtosis are 0 when the variance is 0.
        skewness = m2 > 0 ? m3 / (m2 * m2.squareRoot()) : 0
        excessKurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        median = Self.percentile(sorted, 0.5)
        percentile10 = Self.percentile(sorted, 0.1)
        percentile25 = Self.percentile(sorted, 0.25)
        percentile75 = Self.percentile(sorted, 0.75)
        percentile90 = Self.percentile(sorted, 0.9)
        meanAbsoluteDeviation = absolute / n

        let (p10, p90) = (percentile10, percentile90)
        let central = sorted.drop { $0 < p10 }.prefix { $0 <= p90 }
        let centralMean = central.reduce(0, +) / Double(central.count)
        robustMeanAbsoluteDeviation = central.reduce(0) { $0 + abs($1 - centralMean) } / Double(central.count)
        let median = self.median
        medianAbsoluteDeviation = sorted.reduce(0) { $0 + abs($1 - median) } / n
    }

    /// Percentile of sorted values by linear interpolation between closest ranks (Hyndman & Fan type 7).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    var interquartileRange: Double { percentile75 - percentile25 }
    var range: Double { maximum - minimum }
    /// Coefficient of variation σ/μ (NaN when μ = 0 and σ = 0, ±∞ when only μ = 0).
    var coefficientOfVariation: Double { variance.squareRoot() / mean }
    /// Quartile coefficient of dispersion (P75 − P25)/(P75 + P25).
    var quartileCoefficientOfDispersion: Double { (percentile75 - percentile25) / (percentile75 + percentile25) }
}
