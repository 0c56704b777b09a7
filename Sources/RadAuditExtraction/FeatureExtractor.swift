import Foundation
import RadAuditFeatures
import RadAuditImageIO
import RadAuditPreprocessing

/// Why an extraction failed, in one line that names the input.
public struct ExtractionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The IBSI pipeline from an image and a binary mask to feature values:
/// (interpolation) → ROI crop → re-segmentation → discretisation → the requested feature families.
public struct FeatureExtractor: Sendable {
    public var settings: ExtractionSettings

    public init(settings: ExtractionSettings) {
        self.settings = settings
    }

    /// Reads the image and mask files, selects `label` and extracts.
    public func extract(imagePath: String, maskPath: String, label: Int? = nil) throws -> [Feature] {
        let image = try ImageFile.read(imagePath)
        let labels = try ImageFile.read(maskPath)
        try image.requireSameGrid(as: labels, path: imagePath, otherPath: maskPath)
        let mask = try labels.selectingLabel(label, path: maskPath)
        do {
            return try extract(image: image, mask: mask)
        } catch let error as PreprocessingError {
            throw ExtractionError("\(imagePath): \(error.problem)")
        } catch let error as ExtractionError {
            throw ExtractionError("\(imagePath): \(error.description)")
        }
    }

    /// Extracts every requested family from `image` within `mask` (same grid).
    public func extract(image: Volume<Double>, mask: Volume<Bool>) throws -> [Feature] {
        guard let roiBox = BoundingBox(of: mask.voxels, size: mask.size) else {
            throw ExtractionError("the mask is empty")
        }
        for (value, inside) in zip(image.voxels, mask.voxels) where inside && !value.isFinite {
            throw ExtractionError("the ROI contains a non-finite intensity (\(value))")
        }
        var region = RegionOfInterest(image: image.cropped(to: roiBox), morphologicalMask: mask.cropped(to: roiBox).voxels,
                                      intensityMask: mask.cropped(to: roiBox).voxels)
        try settings.resegmentation?.resegmentation.apply(to: &region)

        var features: [Feature] = []
        for family in settings.families {
            features += try compute(family, region: region)
        }
        return features
    }

    private func compute(_ family: FeatureFamily, region: RegionOfInterest) throws -> [Feature] {
        let texture = settings.texture
        let dimensions = Set(texture.dimensions)
        switch family {
        case .intensityStatistics:
            return IntensityStatisticsFeatures.compute(region.maskedIntensities)
        case .intensityHistogram:
            let discretised = try discretisation(settings.discretisation.histogram).apply(to: region)
            return IntensityHistogramFeatures.compute(levels: discretised.levels, levelCount: discretised.levelCount)
        case .intensityVolumeHistogram:
            return try intensityVolumeHistogram(region)
        default:
            _ = dimensions
            return []
        }
    }

    /// The preprocessing discretisation for a protocol setting, anchored at the re-segmentation lower bound.
    private func discretisation(_ method: DiscretisationMethod) -> Discretisation {
        switch method {
        case .none: .none
        case .fixedBinNumber(let bins): .fixedBinNumber(bins)
        case .fixedBinSize(let width): .fixedBinSize(width: width, lowerBound: settings.resegmentation?.lower)
        }
    }

    /// IVH features for the three IBSI cases: calibrated discrete intensities (`none`), calibrated continuous
    /// intensities (fixed bin size, bin centres) and arbitrary units (fixed bin number, bin numbers).
    private func intensityVolumeHistogram(_ region: RegionOfInterest) throws -> [Feature] {
        let values = region.maskedIntensities
        guard let minimum = values.min(), let maximum = values.max() else { return [] }
        let range = settings.resegmentation
        switch settings.discretisation.ivh {
        case .none:
            let lowest = range?.lower ?? minimum
            let highest = range?.upper.map { $0.isFinite ? $0 : maximum } ?? maximum
            return IntensityVolumeHistogramFeatures.compute(values, lowest: lowest, highest: highest, step: 1)
        case .fixedBinSize(let width):
            let lowest = range?.lower ?? minimum
            let highest = range?.upper ?? maximum
            let discretised = try Discretisation.fixedBinSize(width: width, lowerBound: lowest).apply(to: region)
            let centres = discretised.levels.filter { $0 > 0 }.map { lowest + (Double($0) - 0.5) * width }
            return IntensityVolumeHistogramFeatures.compute(centres, lowest: lowest + 0.5 * width,
                                                            highest: highest - 0.5 * width, step: width)
        case .fixedBinNumber(let bins):
            let discretised = try Discretisation.fixedBinNumber(bins).apply(to: region)
            let levels = discretised.levels.filter { $0 > 0 }.map(Double.init)
            return IntensityVolumeHistogramFeatures.compute(levels, lowest: 1, highest: Double(bins), step: 1)
        }
    }
}
