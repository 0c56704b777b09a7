import RadAuditCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RadAuditConcurrency

/// Why a filter cannot be applied, in one line.
public struct FilterError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A convolutional filter of IBSI 2 (Depeursinge et al., arXiv:2006.05470) with its parameters. Distances are in
/// mm and become voxels through the grid's spacing; 2D filters work slice by slice on the axial (x, y) planes.
public enum ImageFilter: Sendable, Hashable {
    /// Mean over a cube (square in 2D) of `size` voxels per side.
    case mean(size: Int)
    /// Laplacian of Gaussian of scale `sigma` (mm), the kernel truncated at `truncate`·σ.
    case laplacianOfGaussian(sigma: Double, truncate: Double)
    /// Laws kernels (e.g. `E5L5S5`: E5 along x, L5 along y, S5 along z), optionally max-pooled over the right-angle
    /// rotations, optionally followed by the energy map: the mean of the absolute response over `2δ+1` voxels.
    case laws(kernels: String, rotationInvariant: Bool, energyDistance: Int?)
    /// Undecimated separable wavelet: sub-band letters `L`/`H` for x, y (and z), at `level` (à trous: level n
    /// low-passes n − 1 times with dilated filters first), optionally mean-pooled over the right-angle rotations.
    case wavelet(family: WaveletFamily, subband: String, level: Int, rotationInvariant: Bool)
    /// Gabor filter (scale `sigma` and `wavelength` in mm, aspect `gamma`, orientation `theta` in degrees); with
    /// `thetaStep` the moduli are averaged over `theta + k·step` covering 360°, and a 3D filter averages the axial,
    /// coronal and sagittal planes.
    case gabor(sigma: Double, wavelength: Double, gamma: Double, theta: Double, thetaStep: Double?)
    /// Non-separable Simoncelli wavelet of `level` ≥ 1 (periodic: computed by FFT over the whole grid).
    case simoncelli(level: Int)
    /// Riesz transform of order `(l_x, l_y, l_z)` of a LoG (`sigma` mm, `truncate`) or of a Simoncelli wavelet.
    case riesz(order: SIMD3<Int>, of: RieszBase)
    /// pyradiomics image types (not IBSI): `(I/√M)²`, `√(|I|·M)·sign(I)`, `sign(I)·log(|I|+1)` rescaled to `M`,
    /// `exp(I·log(M)/M)`, with `M = max |I|` over the ROI's voxels (pyradiomics takes the image's); and the gradient
    /// magnitude by central differences in mm, the edge value repeated beyond the image (ITK's zero-flux boundary).
    case square, squareRoot, logarithm, exponential, gradientMagnitude
}

/// What a Riesz transform applies to.
public enum RieszBase: Sendable, Hashable {
    case laplacianOfGaussian(sigma: Double, truncate: Double)
    case simoncelli(level: Int)
}

/// A filter, the dimension it works in and the boundary condition: what a protocol's `filters:` entry describes.
public struct FilterSettings: Sendable, Hashable {
    public var filter: ImageFilter
    /// 2D (slice by slice) or 3D.
    public var is3D: Bool
    public var boundary: BoundaryCondition

    public init(filter: ImageFilter, is3D: Bool, boundary: BoundaryCondition) {
        self.filter = filter
        self.is3D = is3D
        self.boundary = boundary
    }

    /// The largest kernel radius, in voxels along one axis, a filter may have.
    public static var maximumKernelRadius: Int { ResourceLimit.kernelRadius.value }

    /// Voxels per axis beyond a region that its response inside the region reads (nil: the whole grid, for the
    /// filters computed by FFT over the grid).
    public func margin(spacing: SIMD3<Double>) -> SIMD3<Int>? {
        func axes(_ r: SIMD3<Int>) -> SIMD3<Int> { is3D ? r : SIMD3(r.x, r.y, 0) }
        // Voxels as an Int, saturating: an absurd parameter gives a huge margin, never a trap.
        func voxels(_ x: Double) -> Int { x.isNaN ? Int.max / 4 : Int(min(x, Double(Int.max / 4))) }
        switch filter {
        case .mean(let size): return axes(SIMD3(repeating: size / 2))
        case .laplacianOfGaussian(let sigma, let truncate):
            return axes(SIMD3((0..<3).map { voxels((truncate * sigma / spacing[$0] + 0.5).rounded(.down)) }))
        case .laws(let name, _, let energy):
            let radius = (LawsKernel.parse(name)?.map { centred($0).count / 2 }.max() ?? 0) + min(energy ?? 0, Int.max / 8)
            return axes(SIMD3(repeating: radius))
        case .wavelet(let family, _, let level, _):
            let half = centred(family.lowPass).count / 2
            return axes(SIMD3(repeating: (0..<level).reduce(0) { $0 + half << $1 }))
        case .gabor(let sigma, _, let gamma, _, let step):
            let reach = 4 * sigma * max(1, 1 / gamma)
            let r = SIMD3((0..<3).map { voxels((reach / spacing[$0]).rounded(.up)) })
            return is3D && step != nil ? r : SIMD3(r.x, r.y, 0)
        case .simoncelli, .riesz: return nil
        case .square, .squareRoot, .logarithm, .exponential: return .zero
        case .gradientMagnitude: return axes(SIMD3(repeating: 1))
        }
    }

    /// The response map of `grid` with voxel `spacing` (mm), on the same grid; `roiMaximum` is `max |I|` over the
    /// ROI, which the pyradiomics intensity transforms scale by.
    /// - Parameter concurrency: threads the filter may use (rotations and planes in parallel).
    public func response(_ grid: FilterGrid, spacing: SIMD3<Double>, roiMaximum: Double = .nan,
                         concurrency: Int = 1) throws -> FilterGrid {
        let dimensions = is3D ? 3 : 2
        if is3D && grid.size.z < 2 { throw FilterError("a 3D filter needs more than one slice (use dimensions: 2D)") }
        // A kernel longer than this along an axis is refused before it is built (its taps alone would fill memory).
        if let margin = margin(spacing: spacing), let widest = [margin.x, margin.y, margin.z].max(), widest > Self.maximumKernelRadius {
            throw FilterError("the kernel would reach \(widest) voxels from its centre along an axis; at most "
                              + "\(Self.maximumKernelRadius) are allowed (smaller sigma_mm, truncate or energy_distance, or \(ResourceLimit.kernelRadius.hint))")
        }
        let filteredAxes = is3D ? [0, 1, 2] : [0, 1]
        switch filter {
        case .mean(let size):
            guard size >= 1, size % 2 == 1 else { throw FilterError("mean: size must be a positive odd number of voxels") }
            let kernel = [Double](repeating: 1 / Double(size), count: size)
            return grid.convolved(with: [kernel, kernel, is3D ? kernel : nil], boundary: boundary)
        case .laplacianOfGaussian(let sigma, let truncate):
            guard sigma > 0, sigma.isFinite else { throw FilterError("laplacian_of_gaussian: sigma_mm must be > 0") }
            guard truncate > 0, truncate.isFinite else { throw FilterError("laplacian_of_gaussian: truncate must be > 0") }
            return laplacianOfGaussian(grid, sigma: (0..<dimensions).map { sigma / spacing[$0] }, truncate: truncate)
        case .laws(let name, let rotationInvariant, let energyDistance):
            guard let kernels = LawsKernel.parse(name), kernels.count == dimensions else {
                throw FilterError("laws: '\(name)' is not \(dimensions) Laws kernels (L3 E3 S3 L5 E5 S5 W5 R5) for a \(dimensions)D filter")
            }
            let padded = kernels.map(centred)
            var response: FilterGrid
            if rotationInvariant {
                let responses = RightAngleRotation.all(dimensions: dimensions).concurrentMap(width: concurrency) {
                    separable(grid, $0.apply(to: padded))
                }
                response = FilterGrid(size: grid.size, values: responses.dropFirst().reduce(responses[0].values) { pooled, next in
                    zip(pooled, next.values).map { max($0, $1) }
                })
            } else {
                response = separable(grid, padded)
            }
            if let delta = energyDistance {
                guard delta >= 0 else { throw FilterError("laws: energy_distance must be ≥ 0") }
                let size = 2 * delta + 1
                let kernel = [Double](repeating: 1 / Double(size), count: size)
                response = response.map(abs).convolved(with: [kernel, kernel, is3D ? kernel : nil], boundary: boundary)
            }
            return response
        case .wavelet(let family, let subband, let level, let rotationInvariant):
            let letters = Array(subband.uppercased())
            guard letters.count == dimensions, letters.allSatisfy({ $0 == "L" || $0 == "H" }) else {
                throw FilterError("wavelet: sub-band '\(subband)' must be \(dimensions) letters L/H for a \(dimensions)D filter")
            }
            guard (1...4).contains(level) else { throw FilterError("wavelet: level must be 1 to 4") }
            let reach = (centred(family.lowPass).count - 1) << (level - 1)
            for axis in 0..<dimensions where grid.size[axis] <= reach / 2 {
                throw FilterError("wavelet: level \(level) needs more than \(reach / 2) voxels along each axis of the image")
            }
            let subbandKernels = letters.map { centred($0 == "L" ? family.lowPass : family.highPass) }
            let lowPass = [[Double]](repeating: centred(family.lowPass), count: dimensions)
            let rotations = rotationInvariant ? RightAngleRotation.all(dimensions: dimensions)
                : [RightAngleRotation.identity(dimensions: dimensions)]
            let responses = rotations.concurrentMap(width: concurrency) { rotation in
                var kernels = rotation.apply(to: subbandKernels), low = rotation.apply(to: lowPass)
                var image = grid
                for _ in 1..<level {
                    image = separable(image, low)
                    kernels = kernels.map(dilated)
                    low = low.map(dilated)
                }
                return separable(image, kernels)
            }
            return responses.dropFirst().reduce(responses[0], +).map { $0 / Double(rotations.count) }
        case .gabor(let sigma, let wavelength, let gamma, let theta, let step):
            guard sigma > 0, sigma.isFinite, wavelength > 0, wavelength.isFinite, gamma > 0, gamma.isFinite else {
                throw FilterError("gabor: sigma_mm, lambda_mm and gamma must be > 0")
            }
            var angles = [theta]
            if let step {
                guard step >= 0.1, step <= 360 else { throw FilterError("gabor: theta_step_deg must be in [0.1, 360]") }
                angles = stride(from: 0.0, to: 360.0 - 1e-9, by: step).map { theta + $0 }
            }
            let gabor = GaborFilter(sigma: sigma, wavelength: wavelength, gamma: gamma,
                                    angles: angles.map { $0 * Double.pi / 180 }, boundary: boundary, concurrency: concurrency)
            let stacks = is3D && step != nil ? [0, 1, 2] : [0]
            var response = FilterGrid(size: grid.size, repeating: 0)
            for stack in stacks {
                response.accumulate(planes: gabor.response(grid, spacing: spacing, stack: stack), stack: stack,
                                    weight: 1 / Double(stacks.count))
            }
            return response
        case .simoncelli(let level):
            guard level >= 1 else { throw FilterError("simoncelli: level must be ≥ 1") }
            return grid.filteredInFourierDomain(axes: filteredAxes, transfer: simoncelli(size: grid.size, level: level, order: nil))
        case .riesz(let order, let base):
            guard order.x >= 0, order.y >= 0, order.z >= 0, (1...16).contains(order.x + order.y + order.z), is3D || order.z == 0 else {
                throw FilterError("riesz: order must be non-negative, of total order 1 to 16 (l_z = 0 in 2D)")
            }
            switch base {
            case .simoncelli(let level):
                guard level >= 1 else { throw FilterError("simoncelli: level must be ≥ 1") }
                return grid.filteredInFourierDomain(axes: filteredAxes, transfer: simoncelli(size: grid.size, level: level, order: order))
            case .laplacianOfGaussian(let sigma, let truncate):
                guard sigma > 0, sigma.isFinite, truncate > 0 else { throw FilterError("riesz: sigma_mm and truncate must be > 0") }
                return rieszOfLaplacianOfGaussian(grid, sigma: (0..<dimensions).map { sigma / spacing[$0] }, truncate: truncate,
                                                  order: order)
            }
        case .square:
            let scale = 1 / roiMaximum.squareRoot()
            return grid.map { value in (scale * value) * (scale * value) }
        case .squareRoot:
            return grid.map { value in (abs(value) * roiMaximum).squareRoot() * (value < 0 ? -1 : 1) }
        case .logarithm:
            let scale = roiMaximum / log(roiMaximum + 1)
            return grid.map { value in (value < 0 ? -1 : 1) * log(abs(value) + 1) * scale }
        case .exponential:
            let coefficient = log(roiMaximum) / roiMaximum
            return grid.map { value in exp(coefficient * value) }
        case .gradientMagnitude:
            var sum = FilterGrid(size: grid.size, repeating: 0)
            for axis in filteredAxes {
                guard grid.size[axis] > 1 else { continue }
                let values = grid.convolved(along: axis, with: [0.5 / spacing[axis], 0, -0.5 / spacing[axis]],
                                            boundary: .nearest).values
                sum.values = zip(sum.values, values).map { $0 + $1 * $1 }
            }
            return sum.map { $0.squareRoot() }
        }
    }

    /// The Simoncelli transfer function of `level` (times the Riesz transform of `order`, when given) on `size`.
    private func simoncelli(size: SIMD3<Int>, level: Int, order: SIMD3<Int>?) -> (real: [Double], imaginary: [Double]) {
        FrequencyGrid.sample(size: size, axes: Set(is3D ? [0, 1, 2] : [0, 1])) { nu in
            let radial = FrequencyGrid.simoncelli((nu * nu).sum().squareRoot(), level: level)
            guard let order else { return (radial, 0) }
            let r = FrequencyGrid.riesz(nu, order: order)
            return (radial * r.0, radial * r.1)
        }
    }

    /// The Riesz transform of the LoG response: the grid extended by the kernel radius `p` with the boundary
    /// condition, multiplied in the Fourier domain by the FFT of the LoG kernel (its first tap at the origin) and by
    /// the Riesz transfer function on the extended grid, the real part cropped from `2p`.
    private func rieszOfLaplacianOfGaussian(_ grid: FilterGrid, sigma: [Double], truncate: Double,
                                             order: SIMD3<Int>) -> FilterGrid {
        let taps = sigma.map { LaplacianOfGaussian.taps(sigma: $0, truncate: truncate) }
        var radius = SIMD3(0, 0, 0)
        for axis in taps.indices { radius[axis] = taps[axis].plain.count / 2 }
        let extended = grid.padded(by: radius, boundary: boundary)
        let size = extended.size
        var kernel = ComplexGrid(size: size, real: [Double](repeating: 0, count: size.x * size.y * size.z))
        let one: [Double] = [1]
        let kx = taps[0], ky = taps[1], kz = taps.count > 2 ? taps[2] : (plain: one, second: [0])
        for z in 0..<kz.plain.count {
            for y in 0..<ky.plain.count {
                for x in 0..<kx.plain.count {
                    let value = kx.second[x] * ky.plain[y] * kz.plain[z] + kx.plain[x] * ky.second[y] * kz.plain[z]
                        + (taps.count > 2 ? kx.plain[x] * ky.plain[y] * kz.second[z] : 0)
                    kernel.real[x + size.x * (y + size.y * z)] = value
                }
            }
        }
        let axes = is3D ? [0, 1, 2] : [0, 1]
        kernel.transform(axes: axes, inverse: false)
        let riesz = FrequencyGrid.sample(size: size, axes: Set(axes)) { FrequencyGrid.riesz($0, order: order) }
        var spectrum = ComplexGrid(size: size, real: extended.values)
        spectrum.transform(axes: axes, inverse: false)
        for k in spectrum.real.indices {
            let (kr, ki) = (kernel.real[k] * riesz.real[k] - kernel.imaginary[k] * riesz.imaginary[k],
                            kernel.real[k] * riesz.imaginary[k] + kernel.imaginary[k] * riesz.real[k])
            let (a, b) = (spectrum.real[k], spectrum.imaginary[k])
            (spectrum.real[k], spectrum.imaginary[k]) = (a * kr - b * ki, a * ki + b * kr)
        }
        spectrum.transform(axes: axes, inverse: true)
        return FilterGrid(size: size, values: spectrum.real).cropped(from: radius &* 2, size: grid.size)
    }

    /// The separable convolution with one kernel per filtered axis (x, y and, in 3D, z).
    private func separable(_ grid: FilterGrid, _ kernels: [[Double]]) -> FilterGrid {
        grid.convolved(with: [kernels[0], kernels[1], kernels.count > 2 ? kernels[2] : nil], boundary: boundary)
    }

    /// The LoG as the sum over axes `a` of separable terms: `−(1/s_a²)(1 − x_a²/s_a²) g_a(x_a) Π_{b≠a} g_b(x_b)`,
    /// with `g(x) = (2πs²)^(−1/2) exp(−x²/2s²)`; for equal `s` this is `−(1/s²)(2πs²)^(−d/2)(d − r²/s²)e^(−r²/2s²)`.
    /// Each axis has `1 + 2⌊truncate·s + ½⌋` taps; the kernel is not corrected to zero sum (as the reference maps).
    private func laplacianOfGaussian(_ grid: FilterGrid, sigma: [Double], truncate: Double) -> FilterGrid {
        let g = sigma.map { LaplacianOfGaussian.taps(sigma: $0, truncate: truncate) }
        // Σ_a D_a Π_{b≠a} G_b, sharing passes: z first, then y, then x.
        if g.count == 2 {
            let y = grid.convolved(along: 1, with: g[1].plain, boundary: boundary)
            let yy = grid.convolved(along: 1, with: g[1].second, boundary: boundary)
            return y.convolved(along: 0, with: g[0].second, boundary: boundary)
                + yy.convolved(along: 0, with: g[0].plain, boundary: boundary)
        }
        let z = grid.convolved(along: 2, with: g[2].plain, boundary: boundary)
        let zz = grid.convolved(along: 2, with: g[2].second, boundary: boundary)
        let zy = z.convolved(along: 1, with: g[1].plain, boundary: boundary)
        let secondInYOrZ = z.convolved(along: 1, with: g[1].second, boundary: boundary)
            + zz.convolved(along: 1, with: g[1].plain, boundary: boundary)
        return zy.convolved(along: 0, with: g[0].second, boundary: boundary)
            + secondInYOrZ.convolved(along: 0, with: g[0].plain, boundary: boundary)
    }
}

/// The 1D factors of the Laplacian of Gaussian.
enum LaplacianOfGaussian {
    /// With `s` in voxels and `1 + 2⌊truncate·s + ½⌋` taps: the Gaussian `g(x) = (2πs²)^(−1/2) exp(−x²/2s²)` and
    /// its LoG factor `−(1/s²)(1 − x²/s²) g(x)`.
    static func taps(sigma s: Double, truncate: Double) -> (plain: [Double], second: [Double]) {
        let radius = Int((truncate * s + 0.5).rounded(.down))
        let offsets = (-radius...radius).map(Double.init)
        let g = offsets.map { exp(-$0 * $0 / (2 * s * s)) / (2 * Double.pi * s * s).squareRoot() }
        let second = zip(offsets, g).map { x, g in -(1 / (s * s)) * (1 - x * x / (s * s)) * g }
        return (g, second)
    }
}

/// The kernel with a zero inserted between its samples (à trous dilation, length m → 2m − 1).
private func dilated(_ kernel: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: 2 * kernel.count - 1)
    for (index, value) in kernel.enumerated() { result[2 * index] = value }
    return result
}
