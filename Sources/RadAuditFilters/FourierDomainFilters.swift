#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Transfer functions defined on the normalised frequency grid of IBSI 2's non-separable wavelets and Riesz
/// transforms: per axis of length `N`, `ν_j = (j − (N−1)/2) / ((N−1)/2)` (so `ν ∈ [−1, 1]`, `ν = ω/π`), moved to
/// FFT order by `ifftshift`. For even `N` this grid is half a bin off the DFT frequencies; the reference maps are
/// made on it (the exact DFT grid fails maps 8_a_2 and 8_a_3), so responses are the real part of the inverse FFT.
enum FrequencyGrid {
    /// `ν` at FFT index `k` of an axis of length `n` (0 for an axis of length 1).
    static func frequency(_ k: Int, count n: Int) -> Double {
        guard n > 1 else { return 0 }
        let centred = (k + n / 2) % n
        let half = Double(n - 1) / 2
        return (Double(centred) - half) / half
    }

    /// The transfer function `h(ν_x, ν_y, ν_z)` sampled in FFT order on a grid of `size`; axes not in `axes` get 0.
    static func sample(size: SIMD3<Int>, axes: Set<Int>, _ h: (SIMD3<Double>) -> (Double, Double))
        -> (real: [Double], imaginary: [Double]) {
        var real = [Double](repeating: 0, count: size.x * size.y * size.z), imaginary = real
        let nu = (0..<3).map { axis in (0..<size[axis]).map { axes.contains(axis) ? frequency($0, count: size[axis]) : 0 } }
        var index = 0
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    (real[index], imaginary[index]) = h(SIMD3(nu[0][x], nu[1][y], nu[2][z]))
                    index += 1
                }
            }
        }
        return (real, imaginary)
    }

    /// The Simoncelli radial function of `level` n (IBSI 2, non-separable wavelets): with `m = 2^−(n−1)`,
    /// `ψ(ν) = cos(π/2 · log₂(2|ν|/m))` for `m/4 ≤ |ν| ≤ m`, else 0 (a band of one octave around `m/2`).
    static func simoncelli(_ magnitude: Double, level: Int) -> Double {
        let m = pow(2, -Double(level - 1))
        guard magnitude >= m / 4, magnitude <= m else { return 0 }
        return cos(Double.pi / 2 * log2(2 * magnitude / m))
    }

    /// The Riesz transform of order `l = (l_x, l_y, l_z)`, `L = Σ l`:
    /// `R(ν) = (−i)^L · √(L!/Π l_a!) · Π ν_a^{l_a} / |ν|^L`, 0 at `ν = 0`.
    static func riesz(_ nu: SIMD3<Double>, order: SIMD3<Int>) -> (Double, Double) {
        let magnitude = (nu * nu).sum().squareRoot()
        let total = order.x + order.y + order.z
        guard magnitude > 0 else { return (0, 0) }
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) } }
        var value = (factorial(total) / (factorial(order.x) * factorial(order.y) * factorial(order.z))).squareRoot()
        for axis in 0..<3 { value *= pow(nu[axis], Double(order[axis])) }
        value /= pow(magnitude, Double(total))
        // (−i)^L: 1, −i, −1, i.
        switch total % 4 {
        case 0: return (value, 0)
        case 1: return (0, -value)
        case 2: return (-value, 0)
        default: return (0, value)
        }
    }
}

extension FilterGrid {
    /// `Re(IFFT(FFT(self) · H))` along `axes` (periodic: the grid is its own period).
    func filteredInFourierDomain(axes: [Int], transfer: (real: [Double], imaginary: [Double])) -> FilterGrid {
        var spectrum = ComplexGrid(size: size, real: values)
        spectrum.transform(axes: axes, inverse: false)
        for k in spectrum.real.indices {
            let (a, b) = (spectrum.real[k], spectrum.imaginary[k]), (c, d) = (transfer.real[k], transfer.imaginary[k])
            (spectrum.real[k], spectrum.imaginary[k]) = (a * c - b * d, a * d + b * c)
        }
        spectrum.transform(axes: axes, inverse: true)
        return FilterGrid(size: size, values: spectrum.real)
    }

    /// The grid extended by `padding` voxels per side along `axes` with `boundary`.
    func padded(by padding: SIMD3<Int>, boundary: BoundaryCondition) -> FilterGrid {
        let newSize = size &+ padding &* 2
        var out = FilterGrid(size: newSize, repeating: 0)
        var index = 0
        for z in 0..<newSize.z {
            let sz = boundary.index(z - padding.z, count: size.z)
            for y in 0..<newSize.y {
                let sy = boundary.index(y - padding.y, count: size.y)
                for x in 0..<newSize.x {
                    if let sz, let sy, let sx = boundary.index(x - padding.x, count: size.x) {
                        out.values[index] = values[sx + size.x * (sy + size.y * sz)]
                    }
                    index += 1
                }
            }
        }
        return out
    }

    /// The box of `size` voxels from `lower`.
    func cropped(from lower: SIMD3<Int>, size newSize: SIMD3<Int>) -> FilterGrid {
        var out = FilterGrid(size: newSize, repeating: 0)
        var index = 0
        for z in 0..<newSize.z {
            for y in 0..<newSize.y {
                let row = (lower.x) + size.x * ((y + lower.y) + size.y * (z + lower.z))
                for x in 0..<newSize.x {
                    out.values[index] = values[row + x]
                    index += 1
                }
            }
        }
        return out
    }

    /// The axial slices (or, for `stack` 1 and 2, the coronal (x, z) and sagittal (y, z) planes) as 2D grids of
    /// size (u, v, 1).
    func planes(stack: Int) -> [FilterGrid] {
        let (u, v, w) = Self.planeAxes(stack)
        var planes = (0..<size[w]).map { _ in FilterGrid(size: SIMD3(size[u], size[v], 1), repeating: 0) }
        forEachPlaneVoxel(stack: stack) { plane, inPlane, index in planes[plane].values[inPlane] = values[index] }
        return planes
    }

    /// Adds `weight` times the planes of `stack` (as `planes(stack:)` gives them) into this grid.
    mutating func accumulate(planes: [FilterGrid], stack: Int, weight: Double) {
        var values = self.values
        forEachPlaneVoxel(stack: stack) { plane, inPlane, index in values[index] += weight * planes[plane].values[inPlane] }
        self.values = values
    }

    /// The in-plane axes (u, v) and the stacking axis w of `stack`.
    private static func planeAxes(_ stack: Int) -> (Int, Int, Int) {
        stack == 0 ? (0, 1, 2) : stack == 1 ? (0, 2, 1) : (1, 2, 0)
    }

    /// Calls `body(plane, index in the plane, index in the grid)` for every voxel, plane by plane.
    private func forEachPlaneVoxel(stack: Int, _ body: (Int, Int, Int) -> Void) {
        let (u, v, w) = Self.planeAxes(stack)
        var p = SIMD3(0, 0, 0)
        for plane in 0..<size[w] {
            p[w] = plane
            for j in 0..<size[v] {
                p[v] = j
                for i in 0..<size[u] {
                    p[u] = i
                    body(plane, i + size[u] * j, p.x + size.x * (p.y + size.y * p.z))
                }
            }
        }
    }
}
