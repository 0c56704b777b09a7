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
    func convolved(along axis: Int, with kernel: [Double], boundary: BoundaryCondition) -> FilterGrid {
        precondition(kernel.count % 2 == 1, "kernels are centred: odd length")
        let n = size[axis], s = stride(axis)
        let centre = (kernel.count - 1) / 2
        let lineCount = values.count / n
        var output = FilterGrid(size: size, repeating: 0)
        // For each position and kernel tap, the source index along the axis (nil: zero), computed once.
        var sources = [Int](repeating: -1, count: n * kernel.count)
        for i in 0..<n {
            for k in kernel.indices { sources[i * kernel.count + k] = boundary.index(i + centre - k, count: n) ?? -1 }
        }
        values.withUnsafeBufferPointer { input in
            output.values.withUnsafeMutableBufferPointer { out in
                sources.withUnsafeBufferPointer { sources in
                    kernel.withUnsafeBufferPointer { w in
                        for line in 0..<lineCount {
                            // The first voxel of the line: lines run over the other two axes.
                            let start: Int
                            switch axis {
                            case 0: start = line * n
                            case 1: start = (line / size.x) * size.x * n + line % size.x
                            default: start = line
                            }
                            for i in 0..<n {
                                var sum = 0.0
                                let row = i * w.count
                                for k in 0..<w.count {
                                    let j = sources[row + k]
                                    if j >= 0 { sum += w[k] * input[start + j * s] }
                                }
                                out[start + i * s] = sum
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
