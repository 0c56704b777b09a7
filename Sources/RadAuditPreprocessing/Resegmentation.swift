/// IBSI re-segmentation (IF9H): removes voxels from the intensity mask by intensity, leaving the
/// morphological mask as it is.
public struct Resegmentation: Hashable, Sendable {
    /// Range re-segmentation (USB3): keep `lower ≤ x ≤ upper`; an open bound is infinite.
    public var range: ClosedRange<Double>?
    /// Intensity outlier filtering (7ACA): keep `|x − μ| ≤ n·σ`, with μ and σ (population) of the ROI
    /// after range re-segmentation.
    public var outlierSigma: Double?

    public init(range: ClosedRange<Double>? = nil, outlierSigma: Double? = nil) {
        self.range = range
        self.outlierSigma = outlierSigma
    }

    /// Applies both filters (range first, then outliers) to `region`'s intensity mask.
    ///
    /// - Throws: when no voxel is left.
    public func apply(to region: inout RegionOfInterest) throws {
        let values = region.image.voxels
        if let range {
            for i in values.indices where region.intensityMask[i] && !range.contains(values[i]) {
                region.intensityMask[i] = false
            }
        }
        if let outlierSigma {
            let inside = region.maskedIntensities
            guard !inside.isEmpty else { throw emptyError }
            let mean = MeanAndVariance(inside)
            let limit = outlierSigma * mean.variance.squareRoot()
            for i in values.indices where region.intensityMask[i] && abs(values[i] - mean.mean) > limit {
                region.intensityMask[i] = false
            }
        }
        guard region.intensityMask.contains(true) else { throw emptyError }
    }

    private var emptyError: PreprocessingError {
        var parts: [String] = []
        if let range { parts.append("range [\(range.lowerBound), \(range.upperBound)]") }
        if let outlierSigma { parts.append("outlier filter ±\(outlierSigma)σ") }
        return PreprocessingError("re-segmentation (\(parts.joined(separator: ", "))) leaves the ROI empty")
    }
}

/// Mean and population variance by a pivot-shifted two-pass sum.
public struct MeanAndVariance: Sendable {
    public var mean: Double
    /// Population variance (divisor N).
    public var variance: Double

    public init(_ values: [Double]) {
        guard let pivot = values.first else {
            (mean, variance) = (.nan, .nan)
            return
        }
        var sum = 0.0
        for v in values { sum += v - pivot }
        let shiftedMean = sum / Double(values.count)
        var squares = 0.0
        var residual = 0.0
        for v in values {
            let d = v - pivot - shiftedMean
            squares += d * d
            residual += d
        }
        let n = Double(values.count)
        mean = pivot + shiftedMean
        variance = max(0, (squares - residual * residual / n) / n)
    }
}
