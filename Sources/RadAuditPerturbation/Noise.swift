import RadAuditImageIO

/// Additive Gaussian noise and the estimation of an image's own noise level.
public enum GaussianNoise {
    /// The image with independent noise N(0, σ²) added to every voxel. The draws come from
    /// `SeededGenerator(seed:)`, one per voxel in grid order, so a seed gives the same noise on every run.
    /// Non-finite voxels stay as they are (they still consume a draw, which keeps the stream aligned with the grid).
    ///
    /// `image` may be a part of a larger grid (`part`): the draws are then those of the whole grid's voxels, the
    /// others skipped (`SeededGenerator.skipGaussians(_:)`), so the part gets exactly the noise the whole image would.
    public static func adding(sigma: Double, to image: Volume<Double>, seed: UInt64, part: ImagePart? = nil) -> Volume<Double> {
        precondition(sigma >= 0 && sigma.isFinite, "σ must be finite and non-negative")
        let part = part ?? ImagePart(whole: image.size)
        let size = image.size, whole = part.wholeSize
        precondition(part.contains(size), "the part lies outside the whole grid")
        var generator = SeededGenerator(seed: seed)
        var next = 0  // linear index in the whole grid of the next draw
        let voxels = image.voxels.withUnsafeBufferPointer { input in
            [Double](unsafeUninitializedCapacity: input.count) { output, initializedCount in
                for k in 0..<size.z {
                    for j in 0..<size.y {
                        let first = whole.index(part.offset.x, part.offset.y + j, part.offset.z + k)
                        generator.skipGaussians(first - next)
                        let row = size.index(0, j, k)
                        for index in row..<row + size.x {
                            let draw = generator.nextGaussian()
                            let value = input[index]
                            (output.baseAddress! + index).initialize(to: value.isFinite ? value + sigma * draw : value)
                        }
                        next = first + size.x
                    }
                }
                initializedCount = input.count
            }
        }
        return Volume(geometry: image.geometry, voxels: voxels)
    }

    /// The noise standard deviation of `image` by the wavelet estimator of Chang, Yu & Vetterli (IEEE Trans Image
    /// Process 2000;9:1532), `σ̂ = median(|HH|) / 0.6745`.
    ///
    /// `HH` are the finest-level diagonal detail coefficients of the orthonormal 2D Haar transform of every axial
    /// slice (the x–y plane): for each 2×2 block `a b / c d` (x across, y down), `HH = (a − b − c + d) / 2`. A smooth
    /// image gives `HH ≈ 0` (a linear ramp gives exactly 0), while white noise of σ gives `HH ~ N(0, σ²)`, whose median
    /// absolute value is 0.6745 σ. The coefficients of all slices are pooled into one median; odd trailing rows and
    /// columns are left out, as are blocks with a non-finite voxel.
    ///
    /// - Throws: `PerturbationError` when no slice has a complete 2×2 block.
    public static func estimatedSigma(of image: Volume<Double>) throws -> Double {
        let size = image.size
        return try image.voxels.withUnsafeBufferPointer { v in
            try estimatedSigma(size: size) { k, slice in
                _ = slice.initialize(from: v[size.index(0, 0, k)..<size.index(0, 0, k + 1)])
            }
        }
    }

    /// `estimatedSigma(of:)` of an image of `size` given slice by slice: `slice(k, buffer)` fills `buffer` (one slice,
    /// x fastest) with axial slice k, so that the image need not be in memory at once (a stored file decodes slice by
    /// slice).
    ///
    /// The coefficients are kept as Float while each converts exactly (as those of integer images up to 2²⁴ do),
    /// which halves the memory of the median; the first one that does not switches to Double. The median is the same.
    public static func estimatedSigma(size: GridSize,
                                      slice: (Int, UnsafeMutableBufferPointer<Double>) throws -> Void) throws -> Double {
        let (halfX, halfY) = (size.x / 2, size.y / 2)
        var narrow: [Float] = [], wide: [Double] = []
        narrow.reserveCapacity(halfX * halfY * size.z)
        var exact = true
        var buffer = [Double](repeating: 0, count: size.x * size.y)
        try buffer.withUnsafeMutableBufferPointer { v in
            for k in 0..<size.z {
                try slice(k, v)
                for jj in 0..<halfY {
                    let row = 2 * jj * size.x
                    let nextRow = row &+ size.x
                    for ii in 0..<halfX {
                        let (a, b) = (v[row &+ 2 &* ii], v[row &+ 2 &* ii &+ 1])
                        let (c, d) = (v[nextRow &+ 2 &* ii], v[nextRow &+ 2 &* ii &+ 1])
                        let detail = abs(0.5 * (a - b - c + d))
                        guard detail.isFinite else { continue }
                        if exact, case let single = Float(detail), Double(single) == detail {
                            narrow.append(single)
                            continue
                        }
                        if exact {
                            exact = false
                            wide = narrow.map(Double.init)
                            wide.reserveCapacity(halfX * halfY * size.z)
                            narrow = []
                        }
                        wide.append(detail)
                    }
                }
            }
        }
        guard !narrow.isEmpty || !wide.isEmpty else {
            throw PerturbationError("cannot estimate the image noise: slices of \(size.x)×\(size.y) voxels have no 2×2 block")
        }
        return (exact ? Double(Selection.median(&narrow)) : Selection.median(&wide)) / 0.6745
    }
}

/// Order statistics in expected linear time.
enum Selection {
    /// The median of `values` (the mean of the two middle values for an even count, in Double), which are reordered.
    static func median<Value: BinaryFloatingPoint>(_ values: inout [Value]) -> Double {
        precondition(!values.isEmpty)
        let count = values.count
        let upperMiddle = count / 2
        return values.withUnsafeMutableBufferPointer { buffer in
            let upper = Double(select(buffer, rank: upperMiddle))
            guard count % 2 == 0 else { return upper }
            // After selection every value before `upperMiddle` is ≤ the selected one: the lower middle is their maximum.
            var lower = -Value.infinity
            for index in 0..<upperMiddle { lower = max(lower, buffer[index]) }
            return 0.5 * (Double(lower) + upper)
        }
    }

    /// Hoare's quickselect with a three-way partition (so runs of equal values cost nothing) and pivots taken as the
    /// median of three positions drawn from a fixed-seed generator (so no input order makes it quadratic in practice).
    /// On return `buffer[rank]` holds the value of that rank, smaller values before it and larger ones after it.
    static func select<Value: BinaryFloatingPoint>(_ buffer: UnsafeMutableBufferPointer<Value>, rank: Int) -> Value {
        var generator = SeededGenerator(seed: 0)
        var (low, high) = (0, buffer.count)
        while high - low > 1 {
            let span = high - low
            let candidates = (buffer[low + generator.nextInt(below: span)], buffer[low + generator.nextInt(below: span)],
                              buffer[low + generator.nextInt(below: span)])
            let pivot = max(min(candidates.0, candidates.1), min(max(candidates.0, candidates.1), candidates.2))
            // Invariant: [low, less) < pivot, [less, index) == pivot, [greater, high) > pivot.
            var (less, index, greater) = (low, low, high)
            while index < greater {
                let value = buffer[index]
                if value < pivot {
                    buffer.swapAt(less, index)
                    less += 1
                    index += 1
                } else if value > pivot {
                    greater -= 1
                    buffer.swapAt(index, greater)
                } else {
                    index += 1
                }
            }
            if rank < less {
                high = less
            } else if rank >= greater {
                low = greater
            } else {
                return pivot
            }
        }
        return buffer[rank]
    }
}
