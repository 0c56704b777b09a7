import RadAuditCore
import RadAuditFeatures
import RadAuditPreprocessing

/// What every family is computed from: the ROI and what the extraction made of it once.
struct FamilyInputs: Sendable {
    var settings: ExtractionSettings
    /// The ROI cropped to its box, re-segmented.
    var region: RegionOfInterest
    /// `region` with a margin of image around it for the local intensity peak.
    var padded: RegionOfInterest
    /// The intensities inside the intensity mask.
    var intensities: [Double]
    /// Each discretisation a requested family needs, made once (see ``FamilyRegistry/discretisation(for:settings:)``).
    var discretised: [DiscretisationMethod: DiscretisedRegion]
    /// The zones of the texture discretisation, labelled once for GLSZM and GLDZM.
    var textureZones: SharedZones?
}

/// The feature families the extractor runs, in one place: for each, the discretisation it needs and how its
/// features follow from the extraction's inputs and settings. A new family adds its case here, its file under
/// `RadAuditFeatures`, and its case (with code, abbreviation and name) in `FeatureFamily`.
enum FamilyRegistry {
    /// The most grey levels a texture matrix may have (``ResourceLimit/textureLevels``).
    static var maximumTextureLevels: Int { ResourceLimit.textureLevels.value }

    /// The discretisation `family` needs under `settings`; nil when it uses the intensities themselves.
    static func discretisation(for family: FeatureFamily, settings: ExtractionSettings) -> DiscretisationMethod? {
        switch family {
        case _ where family.isTexture: settings.discretisation.texture
        case .intensityHistogram: settings.discretisation.histogram
        case .intensityVolumeHistogram: settings.discretisation.ivh == .none ? nil : settings.discretisation.ivh
        default: nil
        }
    }

    /// The features of `family` (morphology without Moran's I and Geary's C, which the extractor runs as a part of
    /// their own), in IBSI order.
    static func compute(_ family: FeatureFamily, from inputs: FamilyInputs) throws -> [Feature] {
        let settings = inputs.settings
        let t = settings.texture
        let dimensions = Set(t.dimensions)
        let texture = inputs.discretised[settings.discretisation.texture]
        if family.isTexture, let levels = texture?.levelCount, levels > maximumTextureLevels {
            throw ExtractionError("the texture discretisation gives \(levels) grey levels; texture matrices (up to N_g² "
                                  + "cells) are limited to \(maximumTextureLevels): use a larger bin width or fewer bins, or \(ResourceLimit.textureLevels.hint)")
        }
        switch family {
        case .morphology:
            return MorphologicalFeatures.shape(inputs.region, planeDiameters: settings.conventions != nil)
        case .localIntensity:
            return LocalIntensityFeatures.compute(inputs.padded)
        case .intensityStatistics:
            return IntensityStatisticsFeatures.compute(inputs.intensities)
        case .intensityHistogram:
            let histogram = inputs.discretised[settings.discretisation.histogram]!
            return IntensityHistogramFeatures.compute(levels: histogram.levels, levelCount: histogram.levelCount)
        case .intensityVolumeHistogram:
            return try intensityVolumeHistogram(inputs.intensities, settings: settings,
                                            discretised: inputs.discretised[settings.discretisation.ivh])
        case .glcm:
            return GreyLevelCooccurrenceFeatures.compute(texture!, dimensions: dimensions, distance: t.glcmDistance,
                                                         maximalCorrelation: settings.conventions != nil)
        case .glrlm:
            return GreyLevelRunLengthFeatures.compute(texture!, dimensions: dimensions)
        case .glszm:
            return GreyLevelSizeZoneFeatures.compute(texture!, dimensions: dimensions, zones: inputs.textureZones)
        case .gldzm:
            return GreyLevelDistanceZoneFeatures.compute(texture!, dimensions: dimensions, zones: inputs.textureZones)
        case .ngtdm:
            return NeighbourhoodGreyToneDifferenceFeatures.compute(texture!, dimensions: dimensions, distance: t.ngtdmDistance)
        case .ngldm:
            return NeighbouringGreyLevelDependenceFeatures.compute(texture!, dimensions: dimensions,
                                                                   distance: t.ngldmDistance, coarseness: t.ngldmAlpha)
        }
    }

    /// IVH features for the three IBSI cases: calibrated discrete intensities (`none`), calibrated continuous
    /// intensities (fixed bin size, bin centres) and arbitrary units (fixed bin number, bin numbers).
    /// `discretised` is the region discretised by the IVH method (nil for `none`).
    private static func intensityVolumeHistogram(_ values: [Double], settings: ExtractionSettings,
                                                 discretised: DiscretisedRegion?) throws -> [Feature] {
        guard let minimum = values.min(), let maximum = values.max() else { return [] }
        let range = settings.resegmentation
        switch settings.discretisation.ivh {
        case .none:
            let lowest = range?.lower ?? minimum
            let highest = range?.upper.map { $0.isFinite ? $0 : maximum } ?? maximum
            // Steps of 1 over the range: as many intensities as a discretisation may have grey levels.
            guard highest - lowest < Double(Discretisation.maximumLevels) else {
                throw ExtractionError("the intensity-volume histogram (ivh: none, steps of 1) would span \(Number.format(highest - lowest)) "
                                      + "intensities; at most \(Discretisation.maximumLevels) are allowed: use ivh: {method: fixed_bin_number}, or "
                                      + ResourceLimit.greyLevels.hint)
            }
            return IntensityVolumeHistogramFeatures.compute(values, lowest: lowest, highest: highest, step: 1)
        case .fixedBinSize(let width):
            let lowest = range?.lower ?? minimum
            let highest = range?.upper ?? maximum
            let centres = discretised!.levels.filter { $0 > 0 }.map { lowest + (Double($0) - 0.5) * width }
            return IntensityVolumeHistogramFeatures.compute(centres, lowest: lowest + 0.5 * width,
                                                            highest: highest - 0.5 * width, step: width)
        case .fixedBinNumber(let bins):
            let levels = discretised!.levels.filter { $0 > 0 }.map(Double.init)
            return IntensityVolumeHistogramFeatures.compute(levels, lowest: 1, highest: Double(bins), step: 1)
        }
    }
}
