import RadAuditImageIO

/// Z-score intensity normalisation: `f(x) = s · clip((x − μ) / σ, ±n)`, with `μ` and `σ` (sample, divisor
/// `N − 1`) over the whole image, over the ROI, or over a reference region (e.g. muscle or white matter for MR), outliers beyond `n` standard deviations set to `±n` (before the
/// scale), then scaled by `s`. Over the whole image with sample σ, this is pyradiomics' `normalize`
/// (`imageoperations.normalizeImage`, SimpleITK's `NormalizeImageFilter`). Not an IBSI step: IBSI 1 leaves
/// normalisation to the image's calibration, so a protocol that uses it says so in its provenance.
public struct IntensityNormalisation: Sendable, Hashable {
    /// The voxels whose mean and standard deviation normalise the image.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// Every voxel of the image (pyradiomics).
        case image
        /// The voxels of the ROI (before re-segmentation).
        case roi
        /// The voxels of a reference mask on the image grid (a cohort's `reference_mask` column, `extract
        /// --reference-mask`).
        case referenceMask = "reference_mask"
    }

    public var scope: Scope
    /// `s`, applied last.
    public var scale: Double
    /// `n`: normalised values beyond `±n` are set to `±n`; nil keeps them.
    public var outlierLimit: Double?

    public init(scope: Scope = .image, scale: Double = 1, outlierLimit: Double? = nil) {
        self.scope = scope
        self.scale = scale
        self.outlierLimit = outlierLimit
    }

    /// Normalises every voxel of `image`; `mask` (same grid) selects the voxels of the `roi` scope, `reference`
    /// (same grid) those of the `reference_mask` scope.
    ///
    /// - Throws: `PreprocessingError` when the selected voxels have no spread (σ = 0) or are fewer than two, or the
    ///   reference mask is missing or on another grid.
    public func apply(to image: inout Volume<Double>, mask: Volume<Bool>, reference: Volume<Bool>? = nil) throws {
        let sample: [Double]
        switch scope {
        case .image:
            sample = image.voxels
        case .roi:
            sample = zip(image.voxels, mask.voxels).compactMap { $1 ? $0 : nil }
        case .referenceMask:
            guard let reference else {
                throw PreprocessingError("normalisation over: reference_mask needs a reference mask (the cohort's reference_mask "
                                         + "column, or extract --reference-mask)")
            }
            guard reference.size == image.size else {
                throw PreprocessingError("the reference mask (\(reference.size)) is not on the image's grid (\(image.size))")
            }
            sample = zip(image.voxels, reference.voxels).compactMap { $1 ? $0 : nil }
        }
        guard sample.count > 1 else {
            throw PreprocessingError("intensity normalisation needs at least two voxels in the \(scope.rawValue)")
        }
        let moments = MeanAndVariance(sample)
        let deviation = (moments.variance * Double(sample.count) / Double(sample.count - 1)).squareRoot()
        guard deviation > 0, deviation.isFinite else {
            throw PreprocessingError("intensity normalisation: the \(scope.rawValue)'s intensities have no spread (σ = 0)")
        }
        let (mean, scale, limit) = (moments.mean, self.scale, outlierLimit ?? .infinity)
        image.voxels.withUnsafeMutableBufferPointer { voxels in
            for index in voxels.indices {
                voxels[index] = scale * min(max((voxels[index] - mean) / deviation, -limit), limit)
            }
        }
    }
}
