/// Intensity-volume histogram features (IBSI family P88C).
///
/// The IVH is evaluated on an intensity grid `X_min, X_min + Δ, …, X_max`; for each grid intensity `i`,
/// the fractional volume `ν_i = 1 − |{X < i}| / N_v` and the intensity fraction `γ_i = (i − X_min)/(X_max − X_min)`.
/// The area under the IVH curve (9CMM) has no IBSI reference value and is not computed.
public enum IntensityVolumeHistogramFeatures {
    /// - Parameters:
    ///   - intensities: the IVH intensity of every voxel in the intensity mask (raw, or discretised per the protocol).
    ///   - lowest: `X_min` of the intensity grid (re-segmentation lower bound, or the ROI minimum).
    ///   - highest: `X_max` of the intensity grid.
    ///   - step: spacing `Δ` of the intensity grid (1 for integer intensities, the bin width, or 1 for bin numbers).
    public static func compute(_ intensities: [Double], lowest: Double, highest: Double, step: Double) -> [Feature] {
        guard !intensities.isEmpty, step > 0, highest >= lowest else { return [] }
        let sorted = intensities.radixSorted()
        let n = Double(sorted.count)
        let binCount = Int(((highest - lowest) / step).rounded()) + 1
        // ν at each grid intensity, by a merge walk over the sorted voxels.
        var grid = [Double](repeating: 0, count: binCount)
        var fraction = [Double](repeating: 0, count: binCount)
        var below = 0
        for b in 0..<binCount {
            let i = lowest + Double(b) * step
            grid[b] = i
            while below < sorted.count && sorted[below] < i - step * 1e-9 { below += 1 }
            fraction[b] = 1 - Double(below) / n
        }
        let span = highest - lowest

        /// `V_x` (BC2M): the fractional volume at the lowest grid intensity with `γ ≥ x`.
        func volume(atIntensityFraction x: Double) -> Double {
            for b in 0..<binCount where span == 0 || (grid[b] - lowest) / span >= x - 1e-12 { return fraction[b] }
            return 0
        }
        /// `I_x` (GBPN): the lowest grid intensity whose fractional volume `ν ≤ x`.
        func intensity(atVolumeFraction x: Double) -> Double {
            for b in 0..<binCount where fraction[b] <= x + 1e-12 { return grid[b] }
            return highest + step
        }
        let v10 = volume(atIntensityFraction: 0.1), v90 = volume(atIntensityFraction: 0.9)
        let i10 = intensity(atVolumeFraction: 0.1), i90 = intensity(atVolumeFraction: 0.9)
        func feature(_ name: String, _ code: String, _ value: Double) -> Feature {
            Feature(family: .intensityVolumeHistogram, name: name, code: code, value: value)
        }
        return [
            feature("Volume fraction at 10% intensity", "NK6P", v10),
            feature("Volume fraction at 90% intensity", "4279", v90),
            feature("Intensity at 10% volume", "PWN1", i10),
            feature("Intensity at 90% volume", "BOHI", i90),
            feature("Volume fraction difference between 10% and 90% intensity", "WITY", v10 - v90),
            feature("Intensity difference between 10% and 90% volume", "JXJA", i10 - i90),
        ]
    }
}
