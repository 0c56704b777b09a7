import RadAuditImageIO
import RadAuditPreprocessing

/// Moran's I index (N365) and Geary's C measure (NPT7) of the intensities in a mask, with the IBSI
/// weights `w = 1/‖Δ‖`: the inverse Euclidean distance (mm) between the centres of two distinct voxels,
/// over all pairs of voxels in the mask.
///
/// With `m` the mask indicator, `z = m·(X − μ)` the centred intensities and `W` the weight kernel
/// (`W(0) = 0`), every pair sum is a sum over the mask of a convolution with `W`:
///
///     S₀ = Σ w          = Σₖ m(k)·(W ∗ m)(k)
///     Σ w·z₁·z₂         = Σₖ z(k)·(W ∗ z)(k)
///     Σ w·(z₁ − z₂)²    = 2·Σₖ z(k)²·(W ∗ m)(k) − 2·Σₖ z(k)·(W ∗ z)(k)
///
/// Both convolutions are evaluated exactly (to rounding) at once, as the convolution of `m + i·z` with
/// the even kernel `W` by `EvenKernelConvolution` on the mask's bounding box: cost `O(L log L)` for the
/// `L ≈ 8·n` voxels of the zero-padded box of `n` voxels, instead of `O(N²)` in the `N` mask voxels;
/// memory about 7 Doubles per voxel of the bounding box.
///
/// Both measures are NaN for fewer than two voxels or when all intensities are equal (zero variance).
struct SpatialAutocorrelation: Sendable {
    /// Moran's I: `N/S₀ · Σ w·z₁·z₂ / Σ z²`.
    var moransI: Double
    /// Geary's C: `(N − 1)/(2·S₀) · Σ w·(z₁ − z₂)² / Σ z²`.
    var gearysC: Double

    init(intensities: [Double], mask: [Bool], size: GridSize, spacing: SIMD3<Double>) {
        (moransI, gearysC) = (.nan, .nan)
        guard let box = BoundingBox(of: mask, size: size) else { return }
        let inside = box.crop(mask, in: size)
        let values = box.crop(intensities, in: size)
        let masked = zip(values, inside).compactMap { x, isInside in isInside ? x : nil }
        let count = masked.count
        let moments = MeanAndVariance(masked)
        let mean = moments.mean, sumOfSquares = moments.variance * Double(count)
        guard count >= 2, sumOfSquares > 0 else { return }

        // The signals are scaled to order 1 before they share one complex convolution, so that neither
        // loses precision to the other: c·W with c the smallest spacing, m and z/σ with σ² = Σz²/N.
        // The scale factors cancel in both measures.
        let sigma = (sumOfSquares / Double(count)).squareRoot()
        let kernelScale = spacing.min()
        var maskSignal = inside.map { $0 ? 1.0 : 0.0 }
        var deviationSignal = zip(values, inside).map { x, isInside in isInside ? (x - mean) / sigma : 0 }
        let squaredSpacing = spacing * spacing
        let convolution = EvenKernelConvolution(size: box.size) { i, j, k in
            let squaredDistance = (SIMD3(Double(i * i), Double(j * j), Double(k * k)) * squaredSpacing).sum()
            return squaredDistance == 0 ? 0 : kernelScale / squaredDistance.squareRoot()
        }
        convolution.convolve(real: &maskSignal, imaginary: &deviationSignal)

        // Sums over the mask of (W∗m), z·(W∗z) and z²·(W∗m), scaled as above.
        var weights = 0.0, deviationProducts = 0.0, squaresTimesWeights = 0.0
        for index in values.indices where inside[index] {
            let z = (values[index] - mean) / sigma
            weights += maskSignal[index]
            deviationProducts += z * deviationSignal[index]
            squaresTimesWeights += z * z * maskSignal[index]
        }
        let voxels = Double(count)
        moransI = deviationProducts / weights
        gearysC = (voxels - 1) * (squaresTimesWeights - deviationProducts) / (voxels * weights)
    }
}
