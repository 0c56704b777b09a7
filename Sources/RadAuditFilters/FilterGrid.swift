/// The intensities of an image grid as a filter works on them: Double values, `x` fastest, then `y`, then `z`.
public struct FilterGrid: Sendable, Equatable {
    /// Voxels per axis (x, y, z).
    public var size: SIMD3<Int>
    public var values: [Double]

    public init(size: SIMD3<Int>, values: [Double]) {
        precondition(values.count == size.x * size.y * size.z, "one value per voxel")
        self.size = size
        self.values = values
    }

    public init(size: SIMD3<Int>, repeating value: Double) {
        self.init(size: size, values: [Double](repeating: value, count: size.x * size.y * size.z))
    }

    /// Linear offset between neighbours along `axis` (0 = x, 1 = y, 2 = z).
    func stride(_ axis: Int) -> Int { axis == 0 ? 1 : axis == 1 ? size.x : size.x * size.y }

    /// The true convolution `out[i] = Σ_k w[k]·a[i + c − k]` along `axis` with the odd-length kernel `w`
    /// (`c = (len − 1)/2`), the image extended by `boundary`.
    ///
    /// Along y and z whole rows (x) or planes (x, y) are combined at once, contiguous and vectorisable; along x each
    /// line is read once per tap, from a source index computed once per position and tap.
    func convolved(along axis: Int, with kernel: [Double], boundary: BoundaryCondition) -> FilterGrid {
        precondition(kernel.count % 2 == 1, "kernels are centred: odd length")
        let n = size[axis]
        let centre = (kernel.count - 1) / 2
        // For each position and tap, the source index along the axis (−1: zero), computed once.
        var sources = [Int](repeating: -1, count: n * kernel.count)
        for i in 0..<n {
            for k in kernel.indices { sources[i * kernel.count + k] = boundary.index(i + centre - k, count: n) ?? -1 }
        }
        var output = FilterGrid(size: size, repeating: 0)
        let taps = kernel.count
        values.withUnsafeBufferPointer { input in
            output.values.withUnsafeMutableBufferPointer { out in
                sources.withUnsafeBufferPointer { sources in
                    kernel.withUnsafeBufferPointer { w in
                        if axis == 0 {
                            for line in 0..<(values.count / n) {
                                let start = line * n
                                for i in 0..<n {
                                    var sum = 0.0
                                    for k in 0..<taps {
                                        let j = sources[i &* taps &+ k]
                                        if j >= 0 { sum += w[k] * input[start &+ j] }
                                    }
                                    out[start &+ i] = sum
                                }
                            }
                        } else {
                            // Blocks of `block` contiguous values (a row for y, a plane for z), `n` of them per group.
                            let block = axis == 1 ? size.x : size.x * size.y
                            let groups = values.count / (block * n)
                            for group in 0..<groups {
                                let base = group * block * n
                                for i in 0..<n {
                                    let target = base &+ i &* block
                                    for k in 0..<taps {
                                        let j = sources[i &* taps &+ k]
                                        guard j >= 0 else { continue }
                                        let weight = w[k], source = base &+ j &* block
                                        for x in 0..<block { out[target &+ x] += weight * input[source &+ x] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Convolution with a separable kernel: `kernels[a]` along axis `a`; nil leaves an axis alone (2D filters).
    func convolved(with kernels: [[Double]?], boundary: BoundaryCondition) -> FilterGrid {
        var grid = self
        // z, then y, then x, as the reference implementations; the order changes only rounding.
        for axis in [2, 1, 0] {
            if let kernel = kernels[axis] { grid = grid.convolved(along: axis, with: kernel, boundary: boundary) }
        }
        return grid
    }

    static func + (lhs: FilterGrid, rhs: FilterGrid) -> FilterGrid {
        FilterGrid(size: lhs.size, values: zip(lhs.values, rhs.values).map { $0 + $1 })
    }

    /// Each value transformed by `transform`.
    func map(_ transform: (Double) -> Double) -> FilterGrid { FilterGrid(size: size, values: values.map(transform)) }
}

/// An even-length kernel padded with a trailing zero, so that its extra sample lies right of the centre (the
/// convention the IBSI 2 wavelet reference maps fix).
func centred(_ kernel: [Double]) -> [Double] { kernel.count % 2 == 1 ? kernel : kernel + [0] }
