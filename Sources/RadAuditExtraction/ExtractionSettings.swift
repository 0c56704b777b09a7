import Foundation
import RadAuditFeatures
import RadAuditPreprocessing

/// The `extraction:` section of a protocol: how an image and mask become IBSI features.
/// Every key is documented in `protocols/README.md`.
public struct ExtractionSettings: Sendable, Hashable, Codable {
    public var interpolation: InterpolationSettings?
    public var resegmentation: ResegmentationSettings?
    public var discretisation: DiscretisationSettings
    public var texture: TextureSettings
    /// Families to compute, in IBSI order; all by default.
    public var families: [FeatureFamily]
    /// Filters whose responses inside the ROI are featurised too (IBSI 2), in protocol order.
    public var filters: [ExtractionFilter]
    /// Whether the unfiltered image's features are computed (`original: false` keeps only the filters').
    public var original: Bool
    /// Z-score normalisation of the image before anything else (not an IBSI step); nil leaves intensities as read.
    public var normalisation: IntensityNormalisation?
    /// Whose definitions the features follow where implementations differ: nil for IBSI, or pyradiomics'
    /// (`conventions: pyradiomics`; see ``FeatureConventions``).
    public var conventions: FeatureConventions?

    public init(interpolation: InterpolationSettings? = nil, resegmentation: ResegmentationSettings? = nil,
                discretisation: DiscretisationSettings = DiscretisationSettings(), texture: TextureSettings = TextureSettings(),
                families: [FeatureFamily] = FeatureFamily.allCases, filters: [ExtractionFilter] = [], original: Bool = true,
                normalisation: IntensityNormalisation? = nil, conventions: FeatureConventions? = nil) {
        self.normalisation = normalisation
        self.conventions = conventions
        self.filters = filters
        self.original = original
        self.interpolation = interpolation
        self.resegmentation = resegmentation
        self.discretisation = discretisation
        self.texture = texture
        self.families = families
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case interpolation, resegmentation, discretisation, texture, families, filters, original, normalisation, conventions
        case pyradiomics
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        interpolation = try c.decodeIfPresent(InterpolationSettings.self, forKey: .interpolation)
        resegmentation = try c.decodeIfPresent(ResegmentationSettings.self, forKey: .resegmentation)
        discretisation = try c.decodeIfPresent(DiscretisationSettings.self, forKey: .discretisation) ?? DiscretisationSettings()
        texture = try c.decodeIfPresent(TextureSettings.self, forKey: .texture) ?? TextureSettings()
        if let all = try? c.decode(String.self, forKey: .families) {
            guard all == "all" else {
                throw DecodingError.dataCorruptedError(forKey: .families, in: c, debugDescription: "expected 'all' or a list of families")
            }
            families = FeatureFamily.allCases
        } else {
            let listed = try c.decodeIfPresent([FeatureFamily].self, forKey: .families) ?? FeatureFamily.allCases
            families = FeatureFamily.allCases.filter(listed.contains)
        }
        filters = try c.decodeIfPresent([ExtractionFilter].self, forKey: .filters) ?? []
        original = try c.decodeIfPresent(Bool.self, forKey: .original) ?? true
        normalisation = try c.decodeIfPresent(IntensityNormalisation.self, forKey: .normalisation)
        switch try c.decodeIfPresent(String.self, forKey: .conventions) ?? "ibsi" {
        case "ibsi":
            guard !c.contains(.pyradiomics) else {
                throw DecodingError.dataCorruptedError(forKey: .pyradiomics, in: c, debugDescription: "needs conventions: pyradiomics")
            }
            conventions = nil
        case "pyradiomics":
            conventions = try c.decodeIfPresent(FeatureConventions.self, forKey: .pyradiomics) ?? FeatureConventions()
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .conventions, in: c,
                                                   debugDescription: "unknown conventions '\(other)' (ibsi, pyradiomics)")
        }
        if !original && filters.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .original, in: c, debugDescription: "original: false needs at least one filter")
        }
        let names = filters.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw DecodingError.dataCorruptedError(forKey: .filters, in: c,
                                                   debugDescription: "two filters are labelled '\(repeated)': give one a name")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(interpolation, forKey: .interpolation)
        try c.encodeIfPresent(resegmentation, forKey: .resegmentation)
        try c.encode(discretisation, forKey: .discretisation)
        try c.encode(texture, forKey: .texture)
        try c.encode(families, forKey: .families)
        try c.encode(filters, forKey: .filters)
        try c.encode(original, forKey: .original)
        // Left out when unset, so that settings without them keep the canonical text (and cache keys) they had.
        try c.encodeIfPresent(normalisation, forKey: .normalisation)
        if let conventions {
            try c.encode("pyradiomics", forKey: .conventions)
            try c.encode(conventions, forKey: .pyradiomics)
        }
    }
}

/// pyradiomics' definitions where they depart from IBSI's (`conventions: pyradiomics`, with the options of its
/// `pyradiomics:` key), each documented in `FeatureConventions.swift` and `docs/pyradiomics.md`.
public struct FeatureConventions: Sendable, Hashable, Codable {
    /// `c` in `voxelArrayShift`, added to every intensity by energy, total energy and root mean square.
    public var voxelArrayShift: Double
    /// pyradiomics' `weightingNorm: no_weighting`: its GLCM and GLRLM features are those of the matrix merged over
    /// directions (`3D_merged`, `2.5D_merged`), not the average over directions. Both are computed; this says
    /// which one carries the pyradiomics name.
    public var mergedDirections: Bool
    /// pyradiomics' `featureClass` lists: per pyradiomics class, the features its names are written for (nil: all).
    public var features: [String: [String]]?

    public init(voxelArrayShift: Double = 0, mergedDirections: Bool = false, features: [String: [String]]? = nil) {
        self.voxelArrayShift = voxelArrayShift
        self.mergedDirections = mergedDirections
        self.features = features
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case voxelArrayShift = "voxel_array_shift", mergedDirections = "merged_directions", features
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        voxelArrayShift = try c.decodeIfPresent(Double.self, forKey: .voxelArrayShift) ?? 0
        guard voxelArrayShift.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .voxelArrayShift, in: c, debugDescription: "expected a finite number")
        }
        mergedDirections = try c.decodeIfPresent(Bool.self, forKey: .mergedDirections) ?? false
        features = try c.decodeIfPresent([String: [String]].self, forKey: .features)
    }
}

extension FeatureFamily: Codable {}

extension IntensityNormalisation: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case method, over, scale, outlierLimit = "outlier_limit" }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let method = try c.decodeIfPresent(String.self, forKey: .method) ?? "z_score"
        guard method == "z_score" else {
            throw DecodingError.dataCorruptedError(forKey: .method, in: c, debugDescription: "unknown method '\(method)' (z_score)")
        }
        let over = try c.decodeIfPresent(String.self, forKey: .over) ?? "image"
        guard let scope = Scope(rawValue: over) else {
            throw DecodingError.dataCorruptedError(forKey: .over, in: c, debugDescription: "expected image, roi or reference_mask")
        }
        let scale = try c.decodeIfPresent(Double.self, forKey: .scale) ?? 1
        guard scale > 0, scale.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: c, debugDescription: "expected a positive scale")
        }
        let limit = try c.decodeIfPresent(Double.self, forKey: .outlierLimit)
        if let limit, !(limit > 0 && limit.isFinite) {
            throw DecodingError.dataCorruptedError(forKey: .outlierLimit, in: c, debugDescription: "expected a positive number of σ")
        }
        self.init(scope: scope, scale: scale, outlierLimit: limit)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("z_score", forKey: .method)
        try c.encode(scope.rawValue, forKey: .over)
        try c.encode(scale, forKey: .scale)
        try c.encodeIfPresent(outlierLimit, forKey: .outlierLimit)
    }
}

/// Image and mask interpolation to a new voxel spacing on the IBSI grid.
public struct InterpolationSettings: Sendable, Hashable, Codable {
    public enum Interpolator: String, Sendable, Hashable, Codable { case nearest, linear, cubic }

    /// Where the new grid lies.
    public enum Grid: String, Sendable, Hashable, Codable {
        /// IBSI: centred on the original grid and covering it (3WE3, 026Q).
        case ibsi
        /// pyradiomics (`imageoperations.resampleImage`): aligned with the original grid's first voxel, covering
        /// the ROI's bounding box grown by `pad_distance` new voxels and clipped to the image; points beyond the
        /// image are 0.
        case pyradiomics
    }

    /// New spacing in mm: 3 values (x, y, z), or 2 for in-plane interpolation only.
    public var spacing: [Double]
    public var image: Interpolator
    public var mask: Interpolator
    /// Partial-volume threshold of the interpolated mask (E8H9).
    public var maskThreshold: Double
    /// Round interpolated intensities to a multiple of this value (68QD), e.g. 1 for CT.
    public var roundIntensities: Double?
    /// The grid (nil: IBSI's).
    public var grid: Grid?
    /// With the pyradiomics grid: new voxels kept beyond the ROI's bounding box on each side (pyradiomics'
    /// `padDistance`, default 5).
    public var padDistance: Double?
    /// Cast interpolated intensities back to the image's stored voxel type, as SimpleITK does for pyradiomics: for an
    /// integer type, truncation toward zero and clamping to the type's range; nothing for floating-point types.
    public var castToVoxelType: Bool?

    public init(spacing: [Double], image: Interpolator = .linear, mask: Interpolator = .linear,
                maskThreshold: Double = 0.5, roundIntensities: Double? = nil, grid: Grid? = nil, padDistance: Double? = nil,
                castToVoxelType: Bool? = nil) {
        self.spacing = spacing
        self.image = image
        self.mask = mask
        self.maskThreshold = maskThreshold
        self.roundIntensities = roundIntensities
        self.grid = grid
        self.padDistance = padDistance
        self.castToVoxelType = castToVoxelType
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case spacing = "spacing_mm", image, mask, maskThreshold = "mask_threshold", roundIntensities = "round_intensities"
        case grid, padDistance = "pad_distance", castToVoxelType = "cast_to_voxel_type"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spacing = try c.decode([Double].self, forKey: .spacing)
        grid = try c.decodeIfPresent(Grid.self, forKey: .grid)
        // pyradiomics keeps an axis's spacing where it is 0.
        let smallest = grid == .pyradiomics ? 0.0 : .leastNonzeroMagnitude
        guard (2...3).contains(spacing.count), spacing.allSatisfy({ $0 >= smallest && $0.isFinite }), spacing.contains(where: { $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .spacing, in: c, debugDescription: grid == .pyradiomics
                                                   ? "expected 2 or 3 spacings in mm, each positive or 0 (keep the axis)"
                                                   : "expected 2 or 3 positive spacings in mm")
        }
        padDistance = try c.decodeIfPresent(Double.self, forKey: .padDistance)
        if let pad = padDistance {
            guard grid == .pyradiomics else {
                throw DecodingError.dataCorruptedError(forKey: .padDistance, in: c, debugDescription: "applies to grid: pyradiomics only")
            }
            guard pad >= 0, pad.isFinite, pad <= 1e6 else {
                throw DecodingError.dataCorruptedError(forKey: .padDistance, in: c, debugDescription: "expected a number ≥ 0")
            }
        }
        castToVoxelType = try c.decodeIfPresent(Bool.self, forKey: .castToVoxelType)
        image = try c.decodeIfPresent(Interpolator.self, forKey: .image) ?? .linear
        mask = try c.decodeIfPresent(Interpolator.self, forKey: .mask) ?? .linear
        guard mask != .cubic else {
            throw DecodingError.dataCorruptedError(forKey: .mask, in: c, debugDescription: "masks interpolate with nearest or linear")
        }
        maskThreshold = try c.decodeIfPresent(Double.self, forKey: .maskThreshold) ?? 0.5
        guard maskThreshold > 0, maskThreshold <= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .maskThreshold, in: c, debugDescription: "expected a value in (0, 1]")
        }
        if let flag = try? c.decode(Bool.self, forKey: .roundIntensities) {
            roundIntensities = flag ? 1 : nil
        } else {
            roundIntensities = try c.decodeIfPresent(Double.self, forKey: .roundIntensities)
            if let r = roundIntensities, !(r > 0) {
                throw DecodingError.dataCorruptedError(forKey: .roundIntensities, in: c, debugDescription: "expected a positive step")
            }
        }
    }
}

/// Range re-segmentation and outlier filtering.
public struct ResegmentationSettings: Sendable, Hashable, Codable {
    public var lower: Double?
    public var upper: Double?
    public var outlierSigma: Double?

    public init(lower: Double? = nil, upper: Double? = nil, outlierSigma: Double? = nil) {
        self.lower = lower
        self.upper = upper
        self.outlierSigma = outlierSigma
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case range, outlierSigma = "outliers_sigma" }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let range = try c.decodeIfPresent([Double?].self, forKey: .range) {
            guard range.count == 2, range.allSatisfy({ $0.map { !$0.isNaN } ?? true }) else {
                throw DecodingError.dataCorruptedError(forKey: .range, in: c, debugDescription: "expected [lower, upper] (numbers, null for open)")
            }
            (lower, upper) = (range[0], range[1])
            if let lower, let upper, lower > upper {
                throw DecodingError.dataCorruptedError(forKey: .range, in: c,
                                                       debugDescription: "lower bound \(lower) exceeds upper bound \(upper)")
            }
        }
        outlierSigma = try c.decodeIfPresent(Double.self, forKey: .outlierSigma)
        if let s = outlierSigma, !(s > 0) {
            throw DecodingError.dataCorruptedError(forKey: .outlierSigma, in: c, debugDescription: "expected a positive number of σ")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if lower != nil || upper != nil { try c.encode([lower, upper], forKey: .range) }
        try c.encodeIfPresent(outlierSigma, forKey: .outlierSigma)
    }

    /// The re-segmentation these settings describe.
    public var resegmentation: Resegmentation {
        let range: ClosedRange<Double>? = (lower == nil && upper == nil) ? nil : (lower ?? -.infinity)...(upper ?? .infinity)
        return Resegmentation(range: range, outlierSigma: outlierSigma)
    }
}

/// One discretisation setting: `{method: none}`, `{method: fixed_bin_size, bin_width: w}` or
/// `{method: fixed_bin_number, bins: n}` (the method may be left out when `bin_width` or `bins` is given).
public enum DiscretisationMethod: Sendable, Hashable, Codable {
    case none
    case fixedBinSize(Double)
    case fixedBinNumber(Int)

    enum CodingKeys: String, CodingKey, CaseIterable { case method, binWidth = "bin_width", bins }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let width = try c.decodeIfPresent(Double.self, forKey: .binWidth)
        let bins = try c.decodeIfPresent(Int.self, forKey: .bins)
        let method = try c.decodeIfPresent(String.self, forKey: .method)
            ?? (width != nil ? "fixed_bin_size" : bins != nil ? "fixed_bin_number" : "none")
        switch method {
        case "none":
            self = .none
        case "fixed_bin_size":
            guard let width, width > 0, width.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .binWidth, in: c, debugDescription: "fixed_bin_size needs bin_width > 0")
            }
            self = .fixedBinSize(width)
        case "fixed_bin_number":
            guard let bins, bins >= 1, bins <= Discretisation.maximumLevels else {
                throw DecodingError.dataCorruptedError(forKey: .bins, in: c,
                                                       debugDescription: "fixed_bin_number needs bins from 1 to \(Discretisation.maximumLevels)")
            }
            self = .fixedBinNumber(bins)
        default:
            throw DecodingError.dataCorruptedError(forKey: .method, in: c,
                                                   debugDescription: "unknown method '\(method)' (none, fixed_bin_size, fixed_bin_number)")
        }
    }
}

extension DiscretisationMethod {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .none: try c.encode("none", forKey: .method)
        case .fixedBinSize(let width):
            try c.encode("fixed_bin_size", forKey: .method)
            try c.encode(width, forKey: .binWidth)
        case .fixedBinNumber(let bins):
            try c.encode("fixed_bin_number", forKey: .method)
            try c.encode(bins, forKey: .bins)
        }
    }
}

/// Discretisation for texture matrices, the intensity histogram and the intensity-volume histogram.
public struct DiscretisationSettings: Sendable, Hashable, Codable {
    /// Texture families; default fixed bin number 32.
    public var texture: DiscretisationMethod
    /// Intensity histogram; default = `texture`.
    public var histogram: DiscretisationMethod
    /// Intensity-volume histogram; default `none` (calibrated discrete intensities such as CT HU).
    public var ivh: DiscretisationMethod

    public init(texture: DiscretisationMethod = .fixedBinNumber(32), histogram: DiscretisationMethod? = nil,
                ivh: DiscretisationMethod = .none) {
        self.texture = texture
        self.histogram = histogram ?? texture
        self.ivh = ivh
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case texture, histogram, ivh }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(texture: try c.decodeIfPresent(DiscretisationMethod.self, forKey: .texture) ?? .fixedBinNumber(32),
                  histogram: try c.decodeIfPresent(DiscretisationMethod.self, forKey: .histogram),
                  ivh: try c.decodeIfPresent(DiscretisationMethod.self, forKey: .ivh) ?? .none)
    }
}

/// Texture matrix settings.
public struct TextureSettings: Sendable, Hashable, Codable {
    public var dimensions: [TextureDimension]
    /// GLCM Chebyshev distance δ.
    public var glcmDistance: Int
    /// NGTDM neighbourhood Chebyshev distance.
    public var ngtdmDistance: Int
    /// NGLDM neighbourhood Chebyshev distance.
    public var ngldmDistance: Int
    /// NGLDM coarseness parameter α.
    public var ngldmAlpha: Int

    public init(dimensions: [TextureDimension] = TextureDimension.allCases, glcmDistance: Int = 1, ngtdmDistance: Int = 1,
                ngldmDistance: Int = 1, ngldmAlpha: Int = 0) {
        self.dimensions = dimensions
        self.glcmDistance = glcmDistance
        self.ngtdmDistance = ngtdmDistance
        self.ngldmDistance = ngldmDistance
        self.ngldmAlpha = ngldmAlpha
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dimensions, glcmDistance = "glcm_distance", ngtdmDistance = "ngtdm_distance",
             ngldmDistance = "ngldm_distance", ngldmAlpha = "ngldm_alpha"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let listed = try c.decodeIfPresent([TextureDimension].self, forKey: .dimensions) ?? TextureDimension.allCases
        self.init(dimensions: TextureDimension.allCases.filter(listed.contains),
                  glcmDistance: try c.decodeIfPresent(Int.self, forKey: .glcmDistance) ?? 1,
                  ngtdmDistance: try c.decodeIfPresent(Int.self, forKey: .ngtdmDistance) ?? 1,
                  ngldmDistance: try c.decodeIfPresent(Int.self, forKey: .ngldmDistance) ?? 1,
                  ngldmAlpha: try c.decodeIfPresent(Int.self, forKey: .ngldmAlpha) ?? 0)
        for (key, value) in [(CodingKeys.glcmDistance, glcmDistance), (.ngtdmDistance, ngtdmDistance), (.ngldmDistance, ngldmDistance)]
        where value < 1 {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a distance ≥ 1")
        }
        guard ngldmAlpha >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .ngldmAlpha, in: c, debugDescription: "expected α ≥ 0")
        }
    }
}

extension TextureDimension: Codable {}

extension ExtractionSettings {
    /// Version of ``canonicalEncoding``: raise it whenever the meaning of a setting changes, so that results cached
    /// under the old meaning are never reused.
    public static let canonicalEncodingVersion = 1

    /// The settings as canonical text: versioned JSON with sorted keys, every default written out, independent of
    /// how Swift prints the types. Equal settings give equal text; the resume cache keys results by it.
    public var canonicalEncoding: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        // Every member is a number, a string or a list of them: encoding cannot fail.
        let json = try! encoder.encode(self)
        return "extraction-settings-v\(Self.canonicalEncodingVersion):" + String(decoding: json, as: UTF8.self)
    }
}

extension InterpolationSettings {
    /// The preprocessing step these settings describe (two spacings: in-plane only).
    var interpolation: Interpolation {
        func kernel(_ k: Interpolator) -> Interpolation.Kernel {
            switch k {
            case .nearest: .nearest
            case .linear: .linear
            case .cubic: .cubicSpline
            }
        }
        // A spacing of 0 (pyradiomics grid) keeps the axis's spacing.
        func axis(_ i: Int) -> Double? { i < spacing.count && spacing[i] > 0 ? spacing[i] : nil }
        return Interpolation(spacing: [axis(0), axis(1), axis(2)], imageKernel: kernel(image), maskKernel: kernel(mask),
                             maskThreshold: maskThreshold, roundingStep: roundIntensities)
    }
}
