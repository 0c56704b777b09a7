import Foundation
import RadAuditCore
import RadAuditFeatures
import RadAuditFilters

/// One entry of a protocol's `extraction: filters:` list: an IBSI 2 filter (or a pyradiomics image type), the
/// label its features carry in the `filter` column, and the families computed on its response inside the ROI.
/// Every key is documented in `protocols/README.md`.
public struct ExtractionFilter: Sendable, Hashable, Codable {
    /// The `filter` column of its features: `name` when the protocol gives one, else a label that encodes the
    /// filter and its parameters (``label``).
    public var name: String
    public var settings: FilterSettings
    /// Families of the response; intensity statistics by default, as IBSI 2 phase 2.
    public var families: [FeatureFamily]

    public init(name: String? = nil, settings: FilterSettings, families: [FeatureFamily] = [.intensityStatistics]) {
        self.settings = settings
        self.families = families
        self.name = name ?? Self.label(settings)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, name, dimensions, boundary, families
        case size, sigma = "sigma_mm", truncate, kernels, rotationInvariant = "rotation_invariant"
        case energyDistance = "energy_distance", wavelength = "lambda_mm", gamma, theta = "theta_deg"
        case thetaStep = "theta_step_deg", wavelet, subband, level, order, of
    }

    /// Filter types and the parameter keys each accepts (beyond type, name, dimensions, boundary, families).
    static let parameters: [String: [CodingKeys]] = [
        "mean": [.size], "laplacian_of_gaussian": [.sigma, .truncate],
        "laws": [.kernels, .rotationInvariant, .energyDistance],
        "gabor": [.sigma, .wavelength, .gamma, .theta, .thetaStep],
        "wavelet": [.wavelet, .subband, .level, .rotationInvariant], "simoncelli": [.level], "riesz": [.order, .of],
        "square": [], "square_root": [], "logarithm": [], "exponential": [], "gradient_magnitude": [],
    ]

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard let allowed = Self.parameters[type] else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription:
                "unknown filter '\(type)' (expected one of: \(Self.parameters.keys.sorted().joined(separator: ", ")))")
        }
        let common: Set<CodingKeys> = [.type, .name, .dimensions, .boundary, .families]
        for key in c.allKeys where !common.contains(key) && !allowed.contains(key) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a parameter of a \(type) filter")
        }
        let dimensions = try c.decodeIfPresent(TextureDimension.self, forKey: .dimensions) ?? .threeD
        guard dimensions != .twoPointFiveD else {
            throw DecodingError.dataCorruptedError(forKey: .dimensions, in: c, debugDescription: "expected 2D or 3D")
        }
        let boundary = try c.decodeIfPresent(BoundaryCondition.self, forKey: .boundary) ?? .mirror
        func required<T: Decodable>(_ key: CodingKeys, _: T.Type) throws -> T { try c.decode(T.self, forKey: key) }
        func positive(_ key: CodingKeys) throws -> Double {
            let value = try c.decode(Double.self, forKey: key)
            guard value > 0, value.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a number > 0")
            }
            return value
        }
        func level() throws -> Int {
            let value = try c.decode(Int.self, forKey: .level)
            guard (1...4).contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: .level, in: c, debugDescription: "expected a level from 1 to 4")
            }
            return value
        }
        let filter: ImageFilter
        switch type {
        case "mean":
            let size = try required(.size, Int.self)
            guard size >= 1, size % 2 == 1 else {
                throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "expected an odd number of voxels ≥ 1")
            }
            filter = .mean(size: size)
        case "laplacian_of_gaussian":
            filter = .laplacianOfGaussian(sigma: try positive(.sigma), truncate: try c.decodeIfPresent(Double.self, forKey: .truncate) ?? 4)
        case "laws":
            let kernels = try required(.kernels, String.self)
            guard let parsed = LawsKernel.parse(kernels), parsed.count == (dimensions == .threeD ? 3 : 2) else {
                throw DecodingError.dataCorruptedError(forKey: .kernels, in: c, debugDescription:
                    "expected \(dimensions == .threeD ? 3 : 2) Laws kernels of L3 E3 S3 L5 E5 S5 W5 R5, e.g. E5L5S5")
            }
            let energy = try c.decodeIfPresent(Int.self, forKey: .energyDistance)
            if let energy, energy < 0 {
                throw DecodingError.dataCorruptedError(forKey: .energyDistance, in: c, debugDescription: "expected a distance ≥ 0")
            }
            filter = .laws(kernels: kernels.uppercased(), rotationInvariant: try c.decodeIfPresent(Bool.self, forKey: .rotationInvariant) ?? false,
                           energyDistance: energy)
        case "gabor":
            let step = try c.decodeIfPresent(Double.self, forKey: .thetaStep)
            if let step, !(step >= 0.1 && step <= 360) {
                throw DecodingError.dataCorruptedError(forKey: .thetaStep, in: c, debugDescription: "expected a step in [0.1, 360] (at most 3600 orientations)")
            }
            filter = .gabor(sigma: try positive(.sigma), wavelength: try positive(.wavelength), gamma: try positive(.gamma),
                            theta: try c.decodeIfPresent(Double.self, forKey: .theta) ?? 0, thetaStep: step)
        case "wavelet":
            let subband = try required(.subband, String.self).uppercased()
            guard subband.count == (dimensions == .threeD ? 3 : 2), subband.allSatisfy({ $0 == "L" || $0 == "H" }) else {
                throw DecodingError.dataCorruptedError(forKey: .subband, in: c, debugDescription:
                    "expected \(dimensions == .threeD ? 3 : 2) letters L or H (x, y\(dimensions == .threeD ? ", z" : ""))")
            }
            filter = .wavelet(family: try required(.wavelet, WaveletFamily.self), subband: subband, level: try level(),
                              rotationInvariant: try c.decodeIfPresent(Bool.self, forKey: .rotationInvariant) ?? false)
        case "simoncelli":
            filter = .simoncelli(level: try level())
        case "riesz":
            let order = try required(.order, [Int].self)
            guard order.count == 3, order.allSatisfy({ (0...16).contains($0) }), (1...16).contains(order.reduce(0, +)),
                  dimensions == .threeD || order[2] == 0 else {
                throw DecodingError.dataCorruptedError(forKey: .order, in: c, debugDescription:
                    "expected [l_x, l_y, l_z], non-negative, not all zero, of total order at most 16 (l_z = 0 in 2D)")
            }
            let base = try c.decode(RieszBaseEntry.self, forKey: .of)
            filter = .riesz(order: SIMD3(order[0], order[1], order[2]), of: base.base)
        case "square": filter = .square
        case "square_root": filter = .squareRoot
        case "logarithm": filter = .logarithm
        case "exponential": filter = .exponential
        default: filter = .gradientMagnitude
        }
        let families = try c.decodeIfPresent([FeatureFamily].self, forKey: .families) ?? [.intensityStatistics]
        guard !families.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .families, in: c, debugDescription: "expected at least one family")
        }
        self.init(name: try c.decodeIfPresent(String.self, forKey: .name),
                  settings: FilterSettings(filter: filter, is3D: dimensions == .threeD, boundary: boundary),
                  families: FeatureFamily.allCases.filter(families.contains))
        guard !name.isEmpty, name != "none" else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "'none' names the unfiltered image")
        }
    }

    /// The canonical encoding: the filter's type and parameters under the protocol's keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(settings.is3D ? "3D" : "2D", forKey: .dimensions)
        try c.encode(settings.boundary, forKey: .boundary)
        try c.encode(families, forKey: .families)
        try c.encode(Self.describe(settings.filter), forKey: .type)
    }

    /// The filter's type and parameters, e.g. `wavelet(db2,LHL,1,ri:false)`.
    public var parameterDescription: String { Self.describe(settings.filter) }

    /// The filter's type and parameters as one text, e.g. `wavelet(db2,LHL,1,ri:false)`.
    static func describe(_ filter: ImageFilter) -> String {
        let n = Number.format
        switch filter {
        case .mean(let size): return "mean(\(size))"
        case .laplacianOfGaussian(let s, let t): return "laplacian_of_gaussian(\(n(s)),\(n(t)))"
        case .laws(let k, let ri, let e): return "laws(\(k),ri:\(ri),energy:\(e.map(String.init) ?? "none"))"
        case .gabor(let s, let l, let g, let t, let step):
            return "gabor(\(n(s)),\(n(l)),\(n(g)),\(n(t)),step:\(step.map(n) ?? "none"))"
        case .wavelet(let f, let b, let l, let ri): return "wavelet(\(f.rawValue),\(b),\(l),ri:\(ri))"
        case .simoncelli(let l): return "simoncelli(\(l))"
        case .riesz(let o, .laplacianOfGaussian(let s, let t)):
            return "riesz(\(o.x),\(o.y),\(o.z);laplacian_of_gaussian(\(n(s)),\(n(t))))"
        case .riesz(let o, .simoncelli(let l)): return "riesz(\(o.x),\(o.y),\(o.z);simoncelli(\(l)))"
        case .square: return "square"
        case .squareRoot: return "square_root"
        case .logarithm: return "logarithm"
        case .exponential: return "exponential"
        case .gradientMagnitude: return "gradient_magnitude"
        }
    }

    /// A stable label that encodes the filter and its parameters: `mean_m15_3d`, `log_s3mm_3d`,
    /// `laws_E5L5S5_ri_e7_3d`, `gabor_s10mm_l4mm_g0.5_t60_ri45_3d`, `wavelet_db2_LHL_l1_3d`, `simoncelli_l1_3d`,
    /// `riesz_x1y0z0_log_s3mm_3d`, `square_3d`…; a boundary other than mirror is appended (`_zero`, `_nearest`,
    /// `_periodic`).
    public static func label(_ settings: FilterSettings) -> String {
        let n = Number.format
        var parts: [String]
        switch settings.filter {
        case .mean(let size): parts = ["mean", "m\(size)"]
        case .laplacianOfGaussian(let s, let t): parts = ["log", "s\(n(s))mm"] + (t == 4 ? [] : ["t\(n(t))"])
        case .laws(let k, let ri, let e): parts = ["laws", k] + (ri ? ["ri"] : []) + (e.map { ["e\($0)"] } ?? [])
        case .gabor(let s, let l, let g, let t, let step):
            parts = ["gabor", "s\(n(s))mm", "l\(n(l))mm", "g\(n(g))", "t\(n(t))"] + (step.map { ["ri\(n($0))"] } ?? [])
        case .wavelet(let f, let b, let l, let ri): parts = ["wavelet", f.rawValue, b, "l\(l)"] + (ri ? ["ri"] : [])
        case .simoncelli(let l): parts = ["simoncelli", "l\(l)"]
        case .riesz(let o, let base):
            parts = ["riesz", "x\(o.x)y\(o.y)z\(o.z)"]
            switch base {
            case .laplacianOfGaussian(let s, let t): parts += ["log", "s\(n(s))mm"] + (t == 4 ? [] : ["t\(n(t))"])
            case .simoncelli(let l): parts += ["simoncelli", "l\(l)"]
            }
        case .square: parts = ["square"]
        case .squareRoot: parts = ["sqrt"]
        case .logarithm: parts = ["log1p"]
        case .exponential: parts = ["exp"]
        case .gradientMagnitude: parts = ["gradient"]
        }
        parts.append(settings.is3D ? "3d" : "2d")
        if settings.boundary != .mirror { parts.append(settings.boundary.rawValue) }
        return parts.joined(separator: "_")
    }
}

/// The `of:` of a Riesz filter: `{type: laplacian_of_gaussian, sigma_mm, truncate}` or `{type: simoncelli, level}`.
struct RieszBaseEntry: Decodable {
    var base: RieszBase

    enum CodingKeys: String, CodingKey, CaseIterable { case type, sigma = "sigma_mm", truncate, level }

    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "laplacian_of_gaussian":
            let sigma = try c.decode(Double.self, forKey: .sigma)
            guard sigma > 0, sigma.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .sigma, in: c, debugDescription: "expected a number > 0")
            }
            base = .laplacianOfGaussian(sigma: sigma, truncate: try c.decodeIfPresent(Double.self, forKey: .truncate) ?? 4)
        case "simoncelli":
            let level = try c.decode(Int.self, forKey: .level)
            guard (1...4).contains(level) else {
                throw DecodingError.dataCorruptedError(forKey: .level, in: c, debugDescription: "expected a level from 1 to 4")
            }
            base = .simoncelli(level: level)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription:
                "a Riesz transform applies to laplacian_of_gaussian or simoncelli, not '\(other)'")
        }
    }
}
