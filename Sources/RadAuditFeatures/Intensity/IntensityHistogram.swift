import Foundation

/// Intensity histogram features (IBSI family ZVCW), computed on the discretised grey levels `1…N_g` of
/// the intensity mask.
public enum IntensityHistogramFeatures {
    /// - Parameters:
    ///   - levels: grey levels per voxel, `0` outside the intensity mask.
    ///   - levelCount: `N_g`; the histogram has bins `1…N_g`.
    public static func compute(levels: [Int32], levelCount: Int) -> [Feature] {
        var histogram = [Double](repeating: 0, count: levelCount + 1)
        for level in levels where level > 0 { histogram[Int(level)] += 1 }
        // The grey levels in ascending order, from their counts.
        var sorted: [Double] = []
        sorted.reserveCapacity(Int(histogram.reduce(0, +)))
        for level in 1..<histogram.count {
            sorted.append(contentsOf: repeatElement(Double(level), count: Int(histogram[level])))
        }
        guard !sorted.isEmpty else { return [] }
        let s = FirstOrderStatistics(sorted: sorted)
        let n = Double(sorted.count)
        let p = histogram.map { $0 / n }

        // Mode (AMMC): the most frequent level; among ties the one closest to the mean, then the lowest.
        var mode = 1
        for i in 1...levelCount where histogram[i] > histogram[mode]
            || (histogram[i] == histogram[mode] && abs(Double(i) - s.mean) < abs(Double(mode) - s.mean)) {
            mode = i
        }
        // Entropy −Σ p_i log₂ p_i (TLU2) and uniformity Σ p_i² (BJ5W).
        var entropy = 0.0, uniformity = 0.0
        for pi in p.dropFirst() where pi > 0 {
            entropy -= pi * log2(pi)
            uniformity += pi * pi
        }
        // Histogram gradient: central differences inside, one-sided at the first and last bin.
        var maxGradient = -Double.infinity, minGradient = Double.infinity
        var maxGradientLevel = 1, minGradientLevel = 1
        for i in 1...levelCount {
            let gradient: Double
            if levelCount == 1 {
                gradient = 0
            } else if i == 1 {
                gradient = histogram[2] - histogram[1]
            } else if i == levelCount {
                gradient = histogram[i] - histogram[i - 1]
            } else {
                gradient = (histogram[i + 1] - histogram[i - 1]) / 2
            }
            if gradient > maxGradient { (maxGradient, maxGradientLevel) = (gradient, i) }
            if gradient < minGradient { (minGradient, minGradientLevel) = (gradient, i) }
        }

        func feature(_ name: String, _ code: String, _ value: Double) -> Feature {
            Feature(family: .intensityHistogram, name: name, code: code, value: value)
        }
        return [
            feature("Mean discretised intensity", "X6K6", s.mean),
            feature("Discretised intensity variance", "CH89", s.variance),
            feature("Discretised intensity skewness", "88K1", s.skewness),
            feature("(Excess) discretised intensity kurtosis", "C3I7", s.excessKurtosis),
            feature("Median discretised intensity", "WIFQ", s.median),
            feature("Minimum discretised intensity", "1PR8", s.minimum),
            feature("10th discretised intensity percentile", "GPMT", s.percentile10),
            feature("90th discretised intensity percentile", "OZ0C", s.percentile90),
            feature("Maximum discretised intensity", "3NCY", s.maximum),
            feature("Intensity histogram mode", "AMMC", Double(mode)),
            feature("Discretised intensity interquartile range", "WR0O", s.interquartileRange),
            feature("Discretised intensity range", "5Z3W", s.range),
            feature("Intensity histogram mean absolute deviation", "D2ZX", s.meanAbsoluteDeviation),
            feature("Intensity histogram robust mean absolute deviation", "WRZB", s.robustMeanAbsoluteDeviation),
            feature("Intensity histogram median absolute deviation", "4RNL", s.medianAbsoluteDeviation),
            feature("Intensity histogram coefficient of variation", "CWYJ", s.coefficientOfVariation),
            feature("Intensity histogram quartile coefficient of dispersion", "SLWD", s.quartileCoefficientOfDispersion),
            feature("Discretised intensity entropy", "TLU2", entropy),
            feature("Discretised intensity uniformity", "BJ5W", uniformity),
            feature("Maximum histogram gradient", "12CE", maxGradient),
            feature("Maximum histogram gradient intensity", "8E6O", Double(maxGradientLevel)),
            feature("Minimum histogram gradient", "VQB3", minGradient),
            feature("Minimum histogram gradient intensity", "RHQZ", Double(minGradientLevel)),
        ]
    }
}
