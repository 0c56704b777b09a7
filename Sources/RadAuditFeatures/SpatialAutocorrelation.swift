import RadAuditImageIO
import RadAuditPreprocessing

/// Moran's I index (N365) and Geary's C measure (NPT7) of the intensities in a mask, with the IBSI
/// weights `w = 1/‖Δ‖`: the inverse Euclidean distance (mm) between the centres of two distinct voxels,
/// over all pairs of voxels in the mask.
///
/// With `m` the mask indicator, `z = m·(X − μ)` the centred intensities, `q = m·z²` and `W` the
/// weight kernel (`W(0) = 0`), every pair sum is a correlation summed over the grid:
///
///     S₀ = Σ w          = Σₖ m(k)·(W ∗ m)(k)
///     Σ w·z₁·z₂         = Σₖ z(k)·(W ∗ z)(k)
///     Σ w·(z₁ − z₂)²    = 2·Σₖ q(k)·(W ∗ m)(k) − 2·Σₖ z(k)·(W ∗ z)(k)
///
/// The sums are evaluated exactly (to rounding) in the frequency domain by Parseval's theorem,
/// `Σₖ a(k)·(W ∗ b)(k) = (1/L)·Σ_f conj(A(f))·Ŵ(f)·B(f)`, on the mask's bounding box zero-padded to
/// at least `2n − 1` voxels per axis so the circular convolution equals the linear one. Two complex
/// FFTs carry the four real signals, which are separated by Hermitian symmetry. Cost is `O(L log L)`
/// for the `L` voxels of the padded box, instead of `O(N²)` in the `N` mask voxels; memory is four
/// Doubles per padded voxel, i.e. 256 bytes per voxel of the bounding box.
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
        var count = 0
        var sum = 0.0
        for (x, isInside) in zip(values, inside) where isInside {
            count += 1
            sum += x
        }
        let mean = sum / Double(count)
        var sumOfSquares = 0.0
        for (x, isInside) in zip(values, inside) where isInside { sumOfSquares += (x - mean) * (x - mean) }
        guard count >= 2, sumOfSquares > 0 else { return }

        let n = box.size
        let padded = GridSize(x: FourierTransform.fastLength(atLeast: 2 * n.x - 1),
                              y: FourierTransform.fastLength(atLeast: 2 * n.y - 1),
                              z: FourierTransform.fastLength(atLeast: 2 * n.z - 1))
        // The four signals are scaled to order 1 before two of them share one complex FFT, so that
        // neither loses precision to the other: c·W with c the smallest spacing, m, z/σ and q/σ² with
        // σ² = Σz²/N. The scale factors cancel in both measures.
        let sigma = (sumOfSquares / Double(count)).squareRoot()
        let kernelScale = spacing.min()
        var kernelAndMask = (real: [Double](repeating: 0, count: padded.count),
                             imaginary: [Double](repeating: 0, count: padded.count))
        var deviationAndSquares = kernelAndMask
        var index = 0
        for k in 0..<n.z {
            for j in 0..<n.y {
                for i in 0..<n.x {
                    if inside[index] {
                        let z = (values[index] - mean) / sigma
                        let p = padded.index(i, j, k)
                        kernelAndMask.imaginary[p] = 1
                        deviationAndSquares.real[p] = z
                        deviationAndSquares.imaginary[p] = z * z
                    }
                    index += 1
                }
            }
        }
        for dk in (1 - n.z)..<n.z {
            for dj in (1 - n.y)..<n.y {
                for di in (1 - n.x)..<n.x where di != 0 || dj != 0 || dk != 0 {
                    let offset = SIMD3(Double(di), Double(dj), Double(dk)) * spacing
                    let p = padded.index((di + padded.x) % padded.x, (dj + padded.y) % padded.y,
                                         (dk + padded.z) % padded.z)
                    kernelAndMask.real[p] = kernelScale / offset.euclideanNorm
                }
            }
        }

        let transform = FourierTransform3D(size: padded)
        transform.forward(real: &kernelAndMask.real, imaginary: &kernelAndMask.imaginary)
        transform.forward(real: &deviationAndSquares.real, imaginary: &deviationAndSquares.imaginary)
        let sums = Self.frequencySums(kernelAndMask: kernelAndMask, deviationAndSquares: deviationAndSquares,
                                      size: padded)

        let voxels = Double(count)
        moransI = sums.deviationProducts / sums.weights
        gearysC = (voxels - 1) * (sums.squaresTimesWeights - sums.deviationProducts) / (voxels * sums.weights)
    }

    /// `L` times the scaled pair sums, from the spectra of `s₁ = c·W + i·m` and `s₂ = z/σ + i·q/σ²`:
    /// `Σ_f Ŵ|M|²`, `Σ_f Ŵ|Y|²` and `Σ_f Ŵ·Re(conj(Q)·M)`. Each spectrum of a real signal is separated
    /// from its packed partner by Hermitian symmetry: for `s = a + i·b`,
    /// `A(f) = (S(f) + conj S(−f))/2` and `B(f) = (S(f) − conj S(−f))/(2i)`; `Ŵ` is real as `W` is even.
    private static func frequencySums(kernelAndMask: (real: [Double], imaginary: [Double]),
                                      deviationAndSquares: (real: [Double], imaginary: [Double]),
                                      size: GridSize) -> (weights: Double, deviationProducts: Double,
                                                          squaresTimesWeights: Double) {
        var weights = 0.0, deviationProducts = 0.0, squaresTimesWeights = 0.0
        kernelAndMask.real.withUnsafeBufferPointer { s1r in
        kernelAndMask.imaginary.withUnsafeBufferPointer { s1i in
        deviationAndSquares.real.withUnsafeBufferPointer { s2r in
        deviationAndSquares.imaginary.withUnsafeBufferPointer { s2i in
            for fk in 0..<size.z {
                let gk = (size.z - fk) % size.z
                for fj in 0..<size.y {
                    let gj = (size.y - fj) % size.y
                    for fi in 0..<size.x {
                        let f = size.index(fi, fj, fk)
                        let g = size.index((size.x - fi) % size.x, gj, gk)
                        let kernel = (s1r[f] + s1r[g]) / 2
                        let maskReal = (s1i[f] + s1i[g]) / 2, maskImaginary = (s1r[g] - s1r[f]) / 2
                        let deviationReal = (s2r[f] + s2r[g]) / 2, deviationImaginary = (s2i[f] - s2i[g]) / 2
                        let squaresReal = (s2i[f] + s2i[g]) / 2, squaresImaginary = (s2r[g] - s2r[f]) / 2
                        weights += kernel * (maskReal * maskReal + maskImaginary * maskImaginary)
                        deviationProducts += kernel * (deviationReal * deviationReal
                                                       + deviationImaginary * deviationImaginary)
                        squaresTimesWeights += kernel * (squaresReal * maskReal + squaresImaginary * maskImaginary)
                    }
                }
            }
        }
        }
        }
        }
        return (weights, deviationProducts, squaresTimesWeights)
    }
}
