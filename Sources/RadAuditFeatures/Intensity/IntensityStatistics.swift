/// Intensity-based statistical features (IBSI family UHIW), computed on the intensities `X` of the
/// intensity mask (`N_v` voxels), without discretisation.
public enum IntensityStatisticsFeatures {
    public static func compute(_ intensities: [Double]) -> [Feature] {
        guard !intensities.isEmpty else { return [] }
        let s = FirstOrderStatistics(intensities)
        let n = Double(s.count)
        func feature(_ name: String, _ code: String, _ value: Double) -> Feature {
            Feature(family: .intensityStatistics, name: name, code: code, value: value)
        }
        return [
            feature("Mean intensity", "Q4LE", s.mean),
            feature("Intensity variance", "ECT3", s.variance),
            feature("Intensity skewness", "KE2A", s.skewness),
            feature("(Excess) intensity kurtosis", "IPH6", s.excessKurtosis),
            feature("Median intensity", "Y12H", s.median),
            feature("Minimum intensity", "1GSF", s.minimum),
            feature("10th intensity percentile", "QG58", s.percentile10),
            feature("90th intensity percentile", "8DWT", s.percentile90),
            feature("Maximum intensity", "84IY", s.maximum),
            feature("Intensity interquartile range", "SALO", s.interquartileRange),
            feature("Intensity range", "2OJQ", s.range),
            feature("Intensity-based mean absolute deviation", "4FUA", s.meanAbsoluteDeviation),
            feature("Intensity-based robust mean absolute deviation", "1128", s.robustMeanAbsoluteDeviation),
            feature("Intensity-based median absolute deviation", "N72L", s.medianAbsoluteDeviation),
            feature("Intensity-based coefficient of variation", "7TET", s.coefficientOfVariation),
            feature("Intensity-based quartile coefficient of dispersion", "9S40", s.quartileCoefficientOfDispersion),
            // Energy Σ X² (N8CA) and root mean square √(Σ X² / N_v) (5ZWQ).
            feature("Intensity-based energy", "N8CA", s.energy),
            feature("Root mean square intensity", "5ZWQ", (s.energy / n).squareRoot()),
        ]
    }
}
