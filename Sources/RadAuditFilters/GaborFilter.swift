#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RadAuditConcurrency
import RadAuditCore

/// The Gabor filter of IBSI 2 on planes: the modulus of the convolution with
/// `g(x, y) = exp(−(x′² + γ²y′²)/(2σ²)) · exp(i·2πx′/λ)`, `x′ = x cos θ + y sin θ`, `y′ = −x sin θ + y cos θ`
/// (mm; `x` along the plane's first axis, `θ` from it towards the second), without normalisation constant. The
/// kernel is truncated at `4σ·max(1, 1/γ)` (the reference maps use the whole image; the difference is below
/// 0.1 % of their range). Convolution by FFT on the plane extended by the kernel radius with the boundary condition.
struct GaborFilter: Sendable {
    var sigma: Double
    var wavelength: Double
    var gamma: Double
    /// The orientations whose moduli are averaged (one for a plain filter).
    var angles: [Double]
    var boundary: BoundaryCondition
    /// Threads the planes may be filtered on.
    var concurrency: Int

    /// The mean modulus over `angles` of each plane of `stack` (0 axial, 1 coronal, 2 sagittal) of `grid`.
    func response(_ grid: FilterGrid, spacing: SIMD3<Double>, stack: Int) -> [FilterGrid] {
        let (u, v) = stack == 0 ? (0, 1) : stack == 1 ? (0, 2) : (1, 2)
        let planes = grid.planes(stack: stack)
        guard let first = planes.first else { return [] }
        let reach = 4 * sigma * max(1, 1 / gamma)
        let radius = SIMD3(Int((reach / spacing[u]).rounded(.up)), Int((reach / spacing[v]).rounded(.up)), 0)
        let n = first.size
        let fftSize = SIMD3(FourierTransform.fastLength(atLeast: n.x + 2 * radius.x),
                            FourierTransform.fastLength(atLeast: n.y + 2 * radius.y), 1)
        var setUp: [Int: AnyLengthFourierTransform] = [:]
        let kernels = angles.map {
            kernelSpectrum(theta: $0, radius: radius, size: fftSize, spacing: (spacing[u], spacing[v]), transforms: &setUp)
        }
        let transforms = setUp
        return planes.concurrentMap(width: concurrency) { plane in
            var transforms = transforms
            let extended = plane.padded(by: radius, boundary: boundary)
            var image = ComplexGrid(size: fftSize, real: [Double](repeating: 0, count: fftSize.x * fftSize.y))
            for y in 0..<extended.size.y {
                for x in 0..<extended.size.x { image.real[x + fftSize.x * y] = extended.values[x + extended.size.x * y] }
            }
            image.transform(axes: [0, 1], inverse: false, transforms: &transforms)
            var mean = FilterGrid(size: n, repeating: 0)
            for kernel in kernels {
                var product = image
                for k in product.real.indices {
                    let (a, b) = (image.real[k], image.imaginary[k]), (c, d) = (kernel.real[k], kernel.imaginary[k])
                    (product.real[k], product.imaginary[k]) = (a * c - b * d, a * d + b * c)
                }
                product.transform(axes: [0, 1], inverse: true, transforms: &transforms)
                for y in 0..<n.y {
                    for x in 0..<n.x {
                        let k = (x + radius.x) + fftSize.x * (y + radius.y)
                        mean.values[x + n.x * y] += (product.real[k] * product.real[k]
                            + product.imaginary[k] * product.imaginary[k]).squareRoot()
                    }
                }
            }
            return mean.map { $0 / Double(kernels.count) }
        }
    }

    /// The FFT of the kernel of orientation `theta`, centred at the origin of a grid of `size`.
    private func kernelSpectrum(theta: Double, radius: SIMD3<Int>, size: SIMD3<Int>,
                                spacing: (Double, Double), transforms: inout [Int: AnyLengthFourierTransform]) -> ComplexGrid {
        var kernel = ComplexGrid(size: size, real: [Double](repeating: 0, count: size.x * size.y))
        let (c, s) = (cos(theta), sin(theta))
        for b in -radius.y...radius.y {
            for a in -radius.x...radius.x {
                let x = Double(a) * spacing.0, y = Double(b) * spacing.1
                let xr = x * c + y * s, yr = -x * s + y * c
                let envelope = exp(-(xr * xr + gamma * gamma * yr * yr) / (2 * sigma * sigma))
                let phase = 2 * Double.pi * xr / wavelength
                let k = (a + size.x) % size.x + size.x * ((b + size.y) % size.y)
                kernel.real[k] = envelope * cos(phase)
                kernel.imaginary[k] = envelope * sin(phase)
            }
        }
        kernel.transform(axes: [0, 1], inverse: false, transforms: &transforms)
        return kernel
    }
}
