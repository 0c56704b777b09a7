import Foundation
import RadAuditConcurrency
import RadAuditFeatures
import RadAuditFilters
import RadAuditImageIO
import RadAuditPreprocessing

/// Why an extraction failed, in one line that names the input.
public struct ExtractionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What an extraction produces: feature values and the IBSI diagnostic values of each processing step.
public struct ExtractionResult: Sendable {
    public var features: [Feature]
    public var diagnostics: [DiagnosticValue]
    /// Voxels of the intensity mask after re-segmentation, and their mean intensity (always recorded).
    public var roiVoxelCount: Int = 0
    public var roiMeanIntensity: Double = .nan
    /// What the readers skipped or worked around (files skipped in a DICOM directory, contours clipped), one line each.
    public var notes: [String] = []
}

/// The IBSI pipeline from an image and a binary mask to feature values:
/// (interpolation) → ROI crop → re-segmentation → discretisation → the requested feature families.
public struct FeatureExtractor: Sendable {
    public var settings: ExtractionSettings
    /// Spread one extraction over all cores: image and mask interpolated side by side, feature families in
    /// parallel. Callers that already run extractions in parallel (audits with `--jobs`) turn it off so that each
    /// job uses one core.
    public var concurrent: Bool

    public init(settings: ExtractionSettings, concurrent: Bool = true) {
        self.settings = settings
        self.concurrent = concurrent
    }

    /// Reads the image and the mask, selects the region and extracts.
    ///
    /// - Parameters:
    ///   - imagePath: an image file, a DICOM file, or a directory holding a DICOM series.
    ///   - maskPath: a label map on the image grid, an RT Structure Set, or a DICOM Segmentation.
    ///   - label: the label of a label map, the segment number of a segmentation, or the ROI number of a structure set.
    ///   - series: the SeriesInstanceUID to read when the image directory holds several series.
    ///   - roi: the ROI name of a structure set, or the segment label of a segmentation.
    ///   - referenceMask: a mask file on the image's grid whose voxels normalise the intensities (`normalisation:
    ///     {over: reference_mask}`); label 1, or its only label.
    ///   - opened: the image already opened by `ImageFile.loadStored(imagePath)` (which starts inflating it).
    public func extract(imagePath: String, maskPath: String, label: Int? = nil, series: String? = nil,
                        roi: String? = nil, referenceMask: String? = nil, diagnostics: Bool = false,
                        opened: StoredVolume? = nil) throws -> ExtractionResult {
        do {
            // NIfTI and NRRD images are decoded only around the ROI (the whole image for diagnostics). A compressed
            // image inflates in the background while the mask is read; the end of its stream is checked last.
            // Normalising over the whole image needs all of it.
            if !diagnostics, settings.normalisation == nil || settings.normalisation?.scope == .roi,
               let stored = try opened ?? ImageFile.loadStored(imagePath) {
                let (mask, box) = try ImageFile.loadMask(maskPath, on: stored.geometry, frameOfReferenceUID: nil,
                                                         imagePath: imagePath, label: label, roi: roi,
                                                         within: { try sourceBox(around: $0, of: stored.geometry) })
                var result: ExtractionResult
                do {
                    result = try extract(image: stored.decoded(from: box.lower, size: box.size), mask: mask.volume,
                                         placedAt: box.lower, in: stored.geometry, voxelType: stored.storedType, diagnostics: false)
                } catch {
                    try stored.verify()  // a corrupt file explains a failure on its voxels better than the failure
                    throw error
                }
                try stored.verify()
                result.notes = mask.notes
                return result
            }
            let image = try opened?.loaded() ?? ImageFile.load(imagePath, series: series)
            let mask = try ImageFile.loadMask(maskPath, for: image, imagePath: imagePath, label: label, roi: roi)
            let reference = try referenceMask.map { try ImageFile.loadMask($0, for: image, imagePath: imagePath).volume }
            var result = try extract(image: image.volume, mask: mask.volume, voxelType: image.storedType,
                                     referenceMask: reference, diagnostics: diagnostics)
            result.notes = image.notes + mask.notes
            return result
        } catch let error as PreprocessingError {
            throw ExtractionError("\(imagePath): \(error.problem)")
        } catch let error as ExtractionError {
            throw ExtractionError("\(imagePath): \(error.description)")
        }
    }

    /// Extracts every requested family from `image` within `mask` (same grid).
    ///
    /// - Parameter diagnostics: also record the IBSI diagnostic values; this interpolates the whole image, where
    ///   without them only the part of the grid around the ROI is interpolated (the same values, less work).
    ///
    /// - Parameter voxelType: the image's stored voxel type, for settings that cast interpolated intensities back to it
    ///   (pyradiomics' resampling).
    /// - Parameter referenceMask: the voxels (same grid) that normalise the intensities with `normalisation: {over:
    ///   reference_mask}`.
    public func extract(image: Volume<Double>, mask: Volume<Bool>, voxelType: VoxelType? = nil,
                        referenceMask: Volume<Bool>? = nil, diagnostics: Bool = false) throws -> ExtractionResult {
        try extract(image: image, mask: mask, placedAt: .zero, in: image.geometry, voxelType: voxelType,
                    referenceMask: referenceMask, diagnostics: diagnostics)
    }

    /// The part of the image grid `geometry` that the extraction of the ROI in `roiBox` reads: the ROI, the local
    /// intensity peak's margin, the filters' support, and what interpolating that neighbourhood needs; the whole grid
    /// when a filter needs it (Fourier-domain filters) or the intensities are normalised over the image.
    public func sourceBox(around roiBox: BoundingBox, of geometry: ImageGeometry) throws -> BoundingBox {
        if let scope = settings.normalisation?.scope, scope != .roi { return BoundingBox(covering: geometry.size) }
        guard let interpolation = interpolation(around: roiBox, of: geometry, voxelType: nil) else {
            guard let margin = margin(geometry.spacing) else { return BoundingBox(covering: geometry.size) }
            return roiBox.expanded(by: margin, within: geometry.size)
        }
        let target = try interpolation.grid(for: geometry).geometry
        guard let margin = margin(target.spacing) else { return BoundingBox(covering: geometry.size) }
        let window = try interpolation.window(covering: roiBox, of: geometry, margin: margin &+ 1)
        return try interpolation.sourceBox(for: window, of: geometry)
    }

    /// The interpolation of the settings for a ROI in `roiBox` of the grid `geometry` (the pyradiomics grid depends on
    /// it), casting to `voxelType` when the settings ask; nil without interpolation, or when pyradiomics would not
    /// resample (every target spacing equal to the image's, `numpy.allclose`).
    private func interpolation(around roiBox: BoundingBox, of geometry: ImageGeometry, voxelType: VoxelType?) -> Interpolation? {
        guard let settings = settings.interpolation else { return nil }
        var interpolation = settings.interpolation
        guard settings.grid == .pyradiomics else { return interpolation }
        interpolation.alignment = .boundingBox(roiBox, padDistance: settings.padDistance ?? 5)
        if settings.castToVoxelType == true { interpolation.castTo = voxelType }
        let unchanged = (0..<3).allSatisfy { axis in
            let sa = geometry.spacing[axis]
            let sb = roiBox.upper[axis] - roiBox.lower[axis] == 1 ? sa : interpolation.spacing[axis] ?? sa
            return abs(sa - sb) <= 1e-8 + 1e-5 * abs(sb)
        }
        return unchanged ? nil : interpolation
    }

    /// Voxels of image the extraction reads beyond the ROI's box on a grid of `spacing`: the local intensity peak's
    /// margin, or the support of the widest filter; nil when a filter needs the whole grid (Fourier-domain filters).
    private func margin(_ spacing: SIMD3<Double>) -> SIMD3<Int>? {
        var margin = Self.peakMargin(spacing)
        for filter in settings.filters {
            guard let support = filter.settings.margin(spacing: spacing) else { return nil }
            margin = pointwiseMax(margin, support)
        }
        return margin
    }

    /// Extracts from `image` and `mask`, a part of the grid `full` starting at voxel `offset` of it. The
    /// interpolation grid is that of `full`; the part must hold `sourceBox(around:of:)` of the ROI, and gives the
    /// same features as the whole image.
    public func extract(image: Volume<Double>, mask: Volume<Bool>, placedAt offset: SIMD3<Int>, in full: ImageGeometry,
                         voxelType: VoxelType?, referenceMask: Volume<Bool>? = nil,
                         diagnostics wantDiagnostics: Bool) throws -> ExtractionResult {
        guard let maskBox = BoundingBox(of: mask.voxels, size: mask.size) else { throw ExtractionError("the mask is empty") }
        for (value, inside) in zip(image.voxels, mask.voxels) where inside && !value.isFinite {
            throw ExtractionError("the ROI contains a non-finite intensity (\(value))")
        }
        var diagnostics: DiagnosticsRecorder?
        if wantDiagnostics {
            diagnostics = DiagnosticsRecorder()
            diagnostics?.recordImage(image, step: "init_img")
            diagnostics?.recordROI(RegionOfInterest(image: image, morphologicalMask: mask.voxels, intensityMask: mask.voxels),
                                   gridSize: image.size, step: "init_roi")
        }
        var (image, mask) = (image, mask)
        if let normalisation = settings.normalisation {
            guard image.size == full.size || normalisation.scope == .roi else {
                throw ExtractionError("normalising over the image needs the whole image")
            }
            try normalisation.apply(to: &image, mask: mask, reference: referenceMask)
        }
        var gridSize = full.size
        let fullROIBox = BoundingBox(lower: maskBox.lower &+ offset, upper: maskBox.upper &+ offset)
        if let interpolation = interpolation(around: fullROIBox, of: full, voxelType: voxelType) {
            let target = try interpolation.grid(for: full).geometry
            gridSize = target.size
            let roiBox = fullROIBox
            let window = try wantDiagnostics ? nil
                : margin(target.spacing).map { try interpolation.window(covering: roiBox, of: full, margin: $0 &+ 1) }
            // Image and mask are resampled side by side.
            let (sourceImage, sourceMask) = (image, mask)
            (image, mask) = try concurrently(width: threads,
                                             { try interpolation.resample(sourceImage, window: window, placedAt: offset, in: full) },
                                             { try interpolation.resample(sourceMask, window: window, placedAt: offset, in: full) })
            guard mask.voxels.contains(true) else {
                throw ExtractionError("the mask is empty after interpolation (partial-volume threshold \(interpolation.maskThreshold))")
            }
        }
        diagnostics?.recordImage(image, step: "interp_img")
        let roiBox = BoundingBox(of: mask.voxels, size: mask.size)!
        // The local intensity peak looks up to 6.2 mm beyond the ROI: keep that margin of image around it.
        let paddedBox = roiBox.expanded(by: Self.peakMargin(image.geometry.spacing), within: image.size)
        let croppedMask = mask.cropped(to: paddedBox).voxels
        var padded = RegionOfInterest(image: image.cropped(to: paddedBox), morphologicalMask: croppedMask, intensityMask: croppedMask)
        diagnostics?.recordROI(padded, gridSize: gridSize, step: "interp_roi")
        try settings.resegmentation?.resegmentation.apply(to: &padded)
        diagnostics?.recordROI(padded, gridSize: gridSize, step: "reseg_roi")
        let regionBox = BoundingBox(lower: roiBox.lower &- paddedBox.lower, upper: roiBox.upper &- paddedBox.lower)
        let region = padded.cropped(to: regionBox)
        let intensities = region.maskedIntensities
        var features = settings.original ? try self.features(region: region, padded: padded, intensities: intensities,
                                                             settings: settings) : []
        if !settings.filters.isEmpty {
            features += try filteredFeatures(image: image, padded: padded, paddedBox: paddedBox, regionBox: regionBox,
                                             roiMaximum: intensities.reduce(0) { max($0, abs($1)) })
        }
        return ExtractionResult(features: features, diagnostics: diagnostics?.values ?? [],
                                roiVoxelCount: intensities.count, roiMeanIntensity: MeanAndVariance(intensities).mean)
    }

    /// The features of each filter's response on `image` (the ROI, its margin and the filter's support) inside the
    /// ROI re-segmented on the unfiltered image (`padded`, the part `paddedBox` of the grid; `regionBox` the ROI's box
    /// in it): IBSI 2 filters after interpolation and before re-segmentation. Filters run `threads` at a time, each
    /// response computed and featurised by one task, so at most `threads` responses are alive at once.
    ///
    /// - Parameter roiMaximum: `max |I|` over the ROI, which the pyradiomics intensity transforms scale by.
    private func filteredFeatures(image: Volume<Double>, padded: RegionOfInterest, paddedBox: BoundingBox,
                                  regionBox: BoundingBox, roiMaximum: Double) throws -> [Feature] {
        let grid = FilterGrid(size: SIMD3(image.size.x, image.size.y, image.size.z), values: image.voxels)
        let threads = self.threads, geometry = image.geometry
        var features: [Feature] = []
        for start in stride(from: 0, to: settings.filters.count, by: threads) {
            let group = Array(settings.filters[start..<min(start + threads, settings.filters.count)])
            let share = max(1, threads / group.count)
            features += try group.concurrentMap(width: threads) { filter -> [Feature] in
                let response: FilterGrid
                do {
                    response = try filter.settings.response(grid, spacing: geometry.spacing, roiMaximum: roiMaximum,
                                                            concurrency: share)
                } catch let error as FilterError {
                    throw ExtractionError("filter '\(filter.name)': \(error.description)")
                }
                let filteredPadded = RegionOfInterest(image: Volume(geometry: geometry, voxels: response.values).cropped(to: paddedBox),
                                                      morphologicalMask: padded.morphologicalMask,
                                                      intensityMask: padded.intensityMask)
                let filteredRegion = filteredPadded.cropped(to: regionBox)
                var filterSettings = settings
                filterSettings.families = filter.families
                // The response has no re-segmentation range of its own: fixed bin sizes start at its minimum.
                filterSettings.resegmentation = nil
                var extractor = self
                extractor.concurrent = share > 1
                return try extractor.features(region: filteredRegion, padded: filteredPadded,
                                              intensities: filteredRegion.maskedIntensities, settings: filterSettings)
                    .map { feature in
                        var labelled = feature
                        labelled.filter = filter.name
                        return labelled
                    }
            }.flatMap { $0 }
        }
        return features
    }

    /// Voxels per axis covered by the local intensity peak's sphere.
    private static func peakMargin(_ spacing: SIMD3<Double>) -> SIMD3<Int> {
        SIMD3((0..<3).map { Int((LocalIntensityFeatures.peakRadius / spacing[$0]).rounded(.up)) })
    }

    /// Every requested family; `padded` is `region` with a margin of image around it for the local intensity peak,
    /// `intensities` the intensities inside the intensity mask.
    private func features(region: RegionOfInterest, padded: RegionOfInterest, intensities: [Double],
                          settings: ExtractionSettings) throws -> [Feature] {
        // Each discretisation the families need is made once: texture, histogram and IVH often share one.
        var made: [DiscretisationMethod: DiscretisedRegion] = [:]
        for method in settings.families.compactMap({ FamilyRegistry.discretisation(for: $0, settings: settings) })
        where made[method] == nil {
            made[method] = try discretisation(method, settings: settings, intensities: intensities).apply(to: region)
        }
        let inputs = FamilyInputs(settings: settings, region: region, padded: padded, intensities: intensities,
                                  discretised: made, textureZones: made[settings.discretisation.texture].map(SharedZones.init))
        // Families are independent: compute them on all cores, then concatenate in IBSI order. Morphology comes
        // first and in two parts, its shape and Moran's I / Geary's C, the two longest computations.
        let parts = settings.families.flatMap { $0 == .morphology ? [Part.family($0), .spatialAutocorrelation] : [.family($0)] }
        let features = try parts.concurrentMap(width: threads) { part in
            switch part {
            case .family(let family):
                try FamilyRegistry.compute(family, from: inputs)
            case .spatialAutocorrelation: MorphologicalFeatures.spatialAutocorrelation(region)
            }
        }.flatMap { $0 }
        guard let conventions = settings.conventions else { return features }
        let spacing = region.spacing
        return conventions.adjusted(features, intensities: intensities, voxelVolume: spacing.x * spacing.y * spacing.z,
                                    morphologicalVoxelCount: region.morphologicalMask.reduce(0) { $0 + ($1 ? 1 : 0) })
    }

    /// A part of the feature computation that may run alongside the others.
    private enum Part: Sendable {
        /// A family; morphology without Moran's I and Geary's C.
        case family(FeatureFamily)
        /// Moran's I and Geary's C.
        case spatialAutocorrelation
    }

    /// Threads one extraction may use.
    private var threads: Int { concurrent ? ProcessInfo.processInfo.activeProcessorCount : 1 }

    /// The preprocessing discretisation for a protocol setting, anchored at the re-segmentation lower bound.
    /// Under pyradiomics' conventions, fixed bin sizes are anchored at `⌊min X / w⌋ · w` of `intensities` instead.
    private func discretisation(_ method: DiscretisationMethod, settings: ExtractionSettings,
                                intensities: [Double]) -> Discretisation {
        switch method {
        case .none: .none
        case .fixedBinNumber(let bins): .fixedBinNumber(bins)
        case .fixedBinSize(let width):
            .fixedBinSize(width: width, lowerBound: settings.conventions == nil ? settings.resegmentation?.lower
                                                        : FeatureConventions.binAnchor(width: width, intensities: intensities))
        }
    }
}

extension FeatureExtractor {
    /// The response map of the settings' single filter on the whole (interpolated) image grid: what
    /// `radaudit filter` writes. The pyradiomics intensity transforms scale by the image's `max |I|` here.
    public func responseMap(imagePath: String, series: String? = nil) throws -> Volume<Double> {
        guard settings.filters.count == 1, let filter = settings.filters.first else {
            throw ExtractionError("the protocol's extraction: filters: must list exactly one filter (it lists \(settings.filters.count))")
        }
        do {
            var image = try ImageFile.load(imagePath, series: series).volume
            if let interpolation = settings.interpolation?.interpolation {
                image = try interpolation.resample(image, window: nil, placedAt: .zero, in: image.geometry)
            }
            if let bad = image.voxels.first(where: { !$0.isFinite }) {
                throw ExtractionError("the image contains a non-finite intensity (\(bad))")
            }
            let grid = FilterGrid(size: SIMD3(image.size.x, image.size.y, image.size.z), values: image.voxels)
            let response = try filter.settings.response(grid, spacing: image.geometry.spacing,
                                                        roiMaximum: image.voxels.reduce(0) { max($0, abs($1)) },
                                                        concurrency: threads)
            return Volume(geometry: image.geometry, voxels: response.values)
        } catch let error as FilterError {
            throw ExtractionError("\(imagePath): filter '\(filter.name)': \(error.description)")
        } catch let error as PreprocessingError {
            throw ExtractionError("\(imagePath): \(error.problem)")
        } catch let error as ExtractionError {
            throw ExtractionError("\(imagePath): \(error.description)")
        }
    }
}
