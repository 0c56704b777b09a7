import RadAuditCore
import RadAuditImageIO

/// IBSI intensity discretisation (4R0B): maps the intensities of the intensity mask onto grey levels 1…N_g.
public enum Discretisation: Hashable, Sendable {
    /// No discretisation: the intensities are already grey levels (integers ≥ 1), N_g is the largest.
    case none
    /// Fixed bin number (K15C): `X_d = ⌊N_g (X − X_min)/(X_max − X_min)⌋ + 1`, with `X_d = N_g` at `X_max`;
    /// `X_min`, `X_max` are the ROI extremes.
    case fixedBinNumber(Int)
    /// Fixed bin size (Q3RU): `X_d = ⌊(X − X_min)/w_b⌋ + 1`, with `X_min` the lower bound of the
    /// re-segmentation range, or the ROI minimum when there is none (`lowerBound == nil`).
    case fixedBinSize(width: Double, lowerBound: Double?)

    /// The most grey levels a discretisation may produce (the intensity histogram has one bin per level).
    public static var maximumLevels: Int { ResourceLimit.greyLevels.value }

    /// Grey levels of `region`'s intensity mask (0 outside it).
    ///
    /// - Throws: for a bin count below 1, a bin width that is not positive, or non-integer intensities with `.none`.
    public func apply(to region: RegionOfInterest) throws -> DiscretisedRegion {
        let values = region.image.voxels
        let inside = region.intensityMask
        var minimum = Double.infinity, maximum = -Double.infinity
        for i in values.indices where inside[i] {
            minimum = min(minimum, values[i])
            maximum = max(maximum, values[i])
        }
        guard minimum <= maximum else { throw PreprocessingError("the intensity mask is empty") }
        var levels = [Int32](repeating: 0, count: values.count)
        var levelCount = 1
        switch self {
        case .none:
            for i in values.indices where inside[i] {
                let v = values[i]
                guard v == v.rounded(), v >= 1, v <= Double(Int32.max) else {
                    throw PreprocessingError("discretisation 'none' needs integer intensities ≥ 1, found \(v); "
                                             + "use fixed_bin_size or fixed_bin_number")
                }
                levels[i] = Int32(v)
            }
            guard maximum <= Double(Self.maximumLevels) else {
                throw PreprocessingError("discretisation 'none' finds grey level \(maximum); at most \(Self.maximumLevels) are allowed (\(ResourceLimit.greyLevels.hint))")
            }
            levelCount = Int(maximum)
        case .fixedBinNumber(let bins):
            guard bins >= 1, bins <= Self.maximumLevels else {
                throw PreprocessingError("fixed bin number must be 1 to \(Self.maximumLevels), got \(bins) (\(ResourceLimit.greyLevels.hint))")
            }
            let range = maximum - minimum
            for i in values.indices where inside[i] {
                let level = range > 0 ? Int((Double(bins) * (values[i] - minimum) / range).rounded(.down)) + 1 : 1
                levels[i] = Int32(min(level, bins))
            }
            levelCount = bins
        case .fixedBinSize(let width, let lowerBound):
            guard width > 0, width.isFinite else { throw PreprocessingError("bin width must be positive, got \(width)") }
            let origin = lowerBound ?? minimum
            // The level count is checked as a Double, before any conversion to Int can trap.
            let needed = ((maximum - origin) / width).rounded(.down) + 1
            guard needed <= Double(Self.maximumLevels) else {
                throw PreprocessingError("bin width \(width) gives \(needed) grey levels for intensities \(origin)…\(maximum); "
                                         + "at most \(Self.maximumLevels) are allowed: choose a larger width, or \(ResourceLimit.greyLevels.hint)")
            }
            let highest = Int(needed)
            for i in values.indices where inside[i] {
                // Intensities below the origin (none after re-segmentation) take level 1.
                levels[i] = Int32(Int(max(0, ((values[i] - origin) / width).rounded(.down))) + 1)
            }
            levelCount = highest
        }
        return DiscretisedRegion(size: region.size, spacing: region.spacing, levels: levels,
                                 levelCount: levelCount, morphologicalMask: region.morphologicalMask)
    }
}
