/// Accurate sums for data with a large offset and a small spread (radiomic features at 1e8 ± 1e-2).
///
/// One-pass formulas (`Σx² − (Σx)²/n`) are useless there; every statistic in this module subtracts a pivot
/// (a data value, so the subtraction is exact for clustered data) and then sums deviations in two passes.
public enum Summation {
    /// The arithmetic mean, corrected by a second pass: `m = m₀ + Σ(x − m₀)/n`. Exact for constant data.
    public static func mean<C: Collection>(_ values: C) -> Double where C.Element == Double {
        guard !values.isEmpty else { return .nan }
        let count = Double(values.count)
        let first = values.reduce(0, +) / count
        return first + values.reduce(0) { $0 + ($1 - first) } / count
    }

    /// `Σ (x − center)²`.
    public static func squaredDeviations<C: Collection>(_ values: C, about center: Double) -> Double where C.Element == Double {
        values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
    }

    /// Sample variance with divisor `n − ddof` (pivot-shifted two-pass); NaN when `n ≤ ddof`.
    public static func variance<C: Collection>(_ values: C, ddof: Int = 1) -> Double where C.Element == Double {
        guard values.count > ddof else { return .nan }
        let center = mean(values)
        return squaredDeviations(values, about: center) / Double(values.count - ddof)
    }
}
