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
            levelCount = Int(maximum)
        case .fixedBinNumber(let bins):
            guard bins >= 1 else { throw PreprocessingError("fixed bin number must be at least 1, got \(bins)") }
            let range = maximum - minimum
            for i in values.indices where inside[i] {
                let level = range > 0 ? Int((Double(bins) * (values[i] - minimum) / range).rounded(.down)) + 1 : 1
                levels[i] = Int32(min(level, bins))
            }
            levelCount = bins
        case .fixedBinSize(let width, let lowerBound):
            guard width > 0, width.isFinite else { throw PreprocessingError("bin width must be positive, got \(width)") }
            let origin = lowerBound ?? minimum
            let highest = Int(((maximum - origin) / width).rounded(.down)) + 1
            guard highest <= 1 << 20 else {
                throw PreprocessingError("bin width \(width) gives \(highest) grey levels; choose a larger width")
            }
            for i in values.indices where inside[i] {
                levels[i] = Int32(max(1, Int(((values[i] - origin) / width).rounded(.down)) + 1))
            }
            levelCount = highest
        }
        return DiscretisedRegion(size: region.size, spacing: region.spacing, levels: levels,
                                 levelCount: levelCount, morphologicalMask: region.morphologicalMask)
    }
}
