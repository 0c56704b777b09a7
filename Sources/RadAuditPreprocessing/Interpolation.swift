import RadAuditCore
import Foundation
import RadAuditImageIO

/// Resampling to a new voxel spacing on the IBSI interpolation grid (VTM2): grid centres aligned with the original
/// grid centre (3WE3), `n_b = ⌈n_a s_a / s_b⌉` points per axis (026Q), positions beyond the original grid take the
/// nearest boundary value. The interpolation is separable: one axis after the other.
public struct Interpolation: Hashable, Sendable {
    /// 1D interpolation kernels.
    public enum Kernel: String, Hashable, Sendable {
        case nearest
        case linear
        /// Cubic B-spline interpolation (the spline through the samples, after prefiltering).
        case cubicSpline
    }

    /// Target spacing in mm per axis (x, y, z); a `nil` entry keeps the original spacing (in-plane interpolation
    /// leaves z alone).
    public var spacing: [Double?]
    public var imageKernel: Kernel
    public var maskKernel: Kernel
    /// Partial-volume threshold: interpolated mask values `≥ threshold` are inside (E8H9).
    public var maskThreshold: Double
    /// Round interpolated intensities to multiples of this step (68QD).
    public var roundingStep: Double?
    /// Where the new grid lies.
    public var alignment: Alignment = .centred
    /// Cast interpolated intensities to this stored type (integer types: truncation toward zero, clamped to the range).
    public var castTo: VoxelType?

    /// Where the new grid lies on the original one.
    public enum Alignment: Hashable, Sendable {
        /// IBSI (VTM2): grid centres aligned with the original grid centre (3WE3), `n_b = ⌈n_a s_a / s_b⌉` points per
        /// axis (026Q); positions beyond the original grid take the nearest boundary value.
        case centred
        /// pyradiomics (`imageoperations.resampleImage`, SimpleITK's `ResampleImageFilter`): per axis, with the ratio
        /// `r = s_a / s_b` and the ROI's voxels `lo…hi` (original index),
        /// `L = max(0, ⌊(lo − ½) r − pad⌋)`, `U = min(⌈n_a r⌉ − 1, ⌈(hi + ½) r + pad⌉)`, `n_b = U − L + 1` points from
        /// index `½ (s_b − s_a)/s_a + L / r` in steps of `1 / r`. An axis the ROI spans with one voxel keeps its spacing.
        /// A point outside the original voxels (index `< −½` or `≥ n_a − ½`) is 0; the cubic B-spline mirrors at the
        /// border (ITK's `BSplineInterpolateImageFunction`), nearest neighbour rounds halves up.
        case boundingBox(BoundingBox, padDistance: Double)
    }

    public init(spacing: [Double?], imageKernel: Kernel = .linear, maskKernel: Kernel = .linear,
                maskThreshold: Double = 0.5, roundingStep: Double? = nil) {
        precondition(spacing.count == 3, "one spacing per axis")
        self.spacing = spacing
        self.imageKernel = imageKernel
        self.maskKernel = maskKernel
        self.maskThreshold = maskThreshold
        self.roundingStep = roundingStep
    }

    /// Largest interpolated grid accepted (2³¹ voxels, 16 GiB as Double).
    static let maximumVoxelCount = 1 << 31

    /// Largest part of it that is ever resampled (2²⁷ voxels, 1 GiB as Double): an extraction holds a few copies of
    /// it, which must fit a 24 GB machine.
    static var maximumWindowVoxelCount: Int { ResourceLimit.windowVoxels.value }

    /// The interpolation grid of `geometry` and, per axis, its first point and step in original grid coordinates.
    public func grid(for geometry: ImageGeometry) throws -> (geometry: ImageGeometry, start: SIMD3<Double>, step: SIMD3<Double>) {
        var size = [Int](repeating: 0, count: 3)
        var start = SIMD3<Double>.zero, step = SIMD3<Double>.zero, newSpacing = geometry.spacing
        let n = [geometry.size.x, geometry.size.y, geometry.size.z]
        for axis in 0..<3 {
            let sa = geometry.spacing[axis]
            var target = spacing[axis]
            if case .boundingBox(let roi, _) = alignment, target == nil || roi.upper[axis] - roi.lower[axis] == 1 { target = sa }
            guard let sb = target else {
                (size[axis], start[axis], step[axis]) = (n[axis], 0, 1)
                continue
            }
            guard sb > 0, sb.isFinite else { throw PreprocessingError("interpolation spacing \(sb) mm must be positive") }
            let extent = (Double(n[axis]) * sa / sb)
            guard extent < Double(Self.maximumVoxelCount) else {
                throw PreprocessingError("interpolation to \(sb) mm would need \(extent) voxels along axis \(axis + 1)")
            }
            switch alignment {
            case .centred:
                size[axis] = Int((extent - 1e-9).rounded(.up))
                step[axis] = sb / sa
                start[axis] = 0.5 * (Double(n[axis] - 1) - step[axis] * Double(size[axis] - 1))
            case .boundingBox(let roi, let pad):
                let ratio = sa / sb
                let lower = max(0, ((Double(roi.lower[axis]) - 0.5) * ratio - pad).rounded(.down))
                let upper = min((Double(n[axis]) * ratio).rounded(.up) - 1, ((Double(roi.upper[axis]) - 0.5) * ratio + pad).rounded(.up))
                size[axis] = max(1, Int(upper - lower) + 1)
                step[axis] = sb / sa
                start[axis] = 0.5 * (sb - sa) / sa + lower / ratio
            }
            newSpacing[axis] = sb
        }
        let count = size.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard count > 0, count <= Self.maximumVoxelCount, size.allSatisfy({ $0 > 0 && $0 <= Self.maximumVoxelCount }) else {
            throw PreprocessingError("interpolation to the requested spacing would make a \(size[0])×\(size[1])×\(size[2]) grid "
                                     + "(\(count) voxels, \(count / (1 << 27)) GiB); refusing to allocate it")
        }
        var target = geometry
        target.size = GridSize(x: size[0], y: size[1], z: size[2])
        target.spacing = newSpacing
        target.origin = geometry.physicalPoint(start)
        return (target, start, step)
    }

    /// The part of the interpolation grid that can hold the ROI `mask` (a box on `geometry`), grown by
    /// `margin` voxels of the new grid and clipped to it.
    public func window(covering mask: BoundingBox, of geometry: ImageGeometry, margin: SIMD3<Int>) throws -> BoundingBox {
        let (target, start, step) = try grid(for: geometry)
        var lower = SIMD3<Int>.zero, upper = SIMD3<Int>.zero
        let n = [target.size.x, target.size.y, target.size.z]
        for axis in 0..<3 {
            // Interpolated mask values can be non-zero only within one source voxel of the mask.
            let first = Int(((Double(mask.lower[axis]) - 1 - start[axis]) / step[axis]).rounded(.down))
            let last = Int(((Double(mask.upper[axis]) - start[axis]) / step[axis]).rounded(.up))
            lower[axis] = max(0, first - margin[axis])
            upper[axis] = min(n[axis], last + 1 + margin[axis])
        }
        return BoundingBox(lower: lower, upper: upper)
    }

    /// The image on the interpolation grid (or on its part `window`), rounded when `roundingStep` is set.
    /// A window gives the same values as resampling the whole image and cropping, but reads only the source voxels
    /// it needs.
    ///
    /// `image` may itself be a part of a larger grid `full`, starting at voxel `offset` of it; it must then hold the
    /// source voxels that `sourceBox(for:of:)` names for the window.
    public func resample(_ image: Volume<Double>, window: BoundingBox? = nil, placedAt offset: SIMD3<Int> = .zero,
                         in full: ImageGeometry? = nil) throws -> Volume<Double> {
        var result = try resample(image, kernel: imageKernel, window: window, offset: offset, full: full ?? image.geometry)
        if let roundingStep {
            for i in result.voxels.indices { result.voxels[i] = (result.voxels[i] / roundingStep).rounded() * roundingStep }
        }
        if let range = castTo?.integerRange {
            for i in result.voxels.indices { result.voxels[i] = min(max(result.voxels[i], range.lowerBound), range.upperBound).rounded(.towardZero) }
        }
        return result
    }

    /// The mask on the interpolation grid (or on its part `window`): interpolated as a fraction, then thresholded.
    public func resample(_ mask: Volume<Bool>, window: BoundingBox? = nil, placedAt offset: SIMD3<Int> = .zero,
                         in full: ImageGeometry? = nil) throws -> Volume<Bool> {
        let fractions = try resample(Volume(geometry: mask.geometry, voxels: mask.voxels.map { $0 ? 1.0 : 0.0 }),
                                     kernel: maskKernel, window: window, offset: offset, full: full ?? mask.geometry)
        return Volume(geometry: fractions.geometry, voxels: fractions.voxels.map { $0 >= maskThreshold - 1e-12 })
    }

    /// Whether the grid is resampled along `axis` (every axis on the pyradiomics grid, which also crops).
    private func resamples(_ axis: Int) -> Bool {
        if case .boundingBox = alignment { return true }
        return spacing[axis] != nil
    }

    /// Source voxels kept beyond the window so that kernels (and the B-spline prefilter, whose boundary effect
    /// decays as 0.268^d) see the same values as on the whole image.
    private static func sourceMargin(_ kernel: Kernel) -> Int { kernel == .cubicSpline ? 28 : 2 }

    /// The voxels of the original grid `geometry` that resampling the part `window` of the interpolation grid reads
    /// (with either kernel of these settings).
    public func sourceBox(for window: BoundingBox, of geometry: ImageGeometry) throws -> BoundingBox {
        let margin = max(Self.sourceMargin(imageKernel), Self.sourceMargin(maskKernel))
        return try sourceBox(for: window, of: geometry, margin: margin)
    }

    private func sourceBox(for window: BoundingBox, of geometry: ImageGeometry, margin m: Int) throws -> BoundingBox {
        let (_, start, step) = try grid(for: geometry)
        var lower = SIMD3<Int>.zero, upper = SIMD3<Int>.zero
        let n = [geometry.size.x, geometry.size.y, geometry.size.z]
        for axis in 0..<3 {
            if !resamples(axis) {
                (lower[axis], upper[axis]) = (window.lower[axis], window.upper[axis])
                continue
            }
            let first = start[axis] + Double(window.lower[axis]) * step[axis]
            let last = start[axis] + Double(window.upper[axis] - 1) * step[axis]
            lower[axis] = max(0, min(n[axis] - 1, Int(first.rounded(.down)) - m))
            upper[axis] = min(n[axis], max(lower[axis] + 1, Int(last.rounded(.up)) + 1 + m))
        }
        return BoundingBox(lower: lower, upper: upper)
    }

    private func resample(_ volume: Volume<Double>, kernel: Kernel, window: BoundingBox?, offset: SIMD3<Int>,
                          full: ImageGeometry) throws -> Volume<Double> {
        let (target, fullStart, step) = try grid(for: full)
        let window = window ?? BoundingBox(covering: target.size)
        let voxels = window.size.count
        guard voxels <= Self.maximumWindowVoxelCount else {
            throw PreprocessingError("interpolation to \(target.spacing.x)×\(target.spacing.y)×\(target.spacing.z) mm needs "
                                     + "\(window.size) = \(voxels) voxels around the ROI; at most \(Self.maximumWindowVoxelCount) "
                                     + "are allowed: choose a coarser spacing, or \(ResourceLimit.windowVoxels.hint)")
        }
        // Crop the source to what the window needs (positions in the full grid, then in the given part of it).
        let needed = try sourceBox(for: window, of: full, margin: Self.sourceMargin(kernel))
        let sourceLower = needed.lower, sourceUpper = needed.upper
        let n = [full.size.x, full.size.y, full.size.z]
        let local = BoundingBox(lower: sourceLower &- offset, upper: sourceUpper &- offset)
        guard local.lower.x >= 0, local.lower.y >= 0, local.lower.z >= 0, local.upper.x <= volume.size.x,
              local.upper.y <= volume.size.y, local.upper.z <= volume.size.z else {
            preconditionFailure("the given part of the grid does not hold the source voxels of the window")
        }
        let source = volume.cropped(to: local)
        var values = source.voxels
        var size = source.size
        let windowSize = window.size
        for axis in 0..<3 where resamples(axis) {
            let newLength = [windowSize.x, windowSize.y, windowSize.z][axis]
            let taps = LineTaps(fullLength: n[axis], start: fullStart[axis], step: step[axis], firstIndex: window.lower[axis],
                                count: newLength, shift: sourceLower[axis], kernel: kernel, zeroOutside: alignment != .centred)
            values = Self.resampleAxis(values, size: size, axis: axis, taps: taps)
            switch axis {
            case 0: size.x = newLength
            case 1: size.y = newLength
            default: size.z = newLength
            }
        }
        return Volume(geometry: target.cropped(to: window), voxels: values)
    }

    /// Resamples every line of `values` along `axis` with the taps of one line.
    static func resampleAxis(_ values: [Double], size: GridSize, axis: Int, taps: LineTaps) -> [Double] {
        if axis > 0 && taps.kernel != .cubicSpline { return resampleBlocks(values, size: size, axis: axis, taps: taps) }
        let n = [size.x, size.y, size.z][axis]
        let newLength = taps.newLength
        let stride = axis == 0 ? 1 : axis == 1 ? size.x : size.x * size.y
        var outSize = size
        switch axis {
        case 0: outSize.x = newLength
        case 1: outSize.y = newLength
        default: outSize.z = newLength
        }
        let outStride = axis == 0 ? 1 : axis == 1 ? outSize.x : outSize.x * outSize.y
        var output = [Double](repeating: 0, count: outSize.count)
        var line = [Double](repeating: 0, count: n)
        let lineCount = size.count / n
        values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                line.withUnsafeMutableBufferPointer { buffer in
                    for lineIndex in 0..<lineCount {
                        // Base offsets of this line in the input and output grids.
                        let (inBase, outBase): (Int, Int)
                        switch axis {
                        case 0:
                            (inBase, outBase) = (lineIndex &* n, lineIndex &* newLength)
                        case 1:
                            let (k, i) = (lineIndex / size.x, lineIndex % size.x)
                            (inBase, outBase) = (i &+ k &* size.x &* size.y, i &+ k &* outSize.x &* outSize.y)
                        default:
                            (inBase, outBase) = (lineIndex, lineIndex)
                        }
                        for t in 0..<n { buffer[t] = source[inBase &+ t &* stride] }
                        if taps.kernel == .cubicSpline { BSpline.prefilter(buffer) }
                        taps.apply(buffer, to: out, base: outBase, stride: outStride)
                    }
                }
            }
        }
        return output
    }
}

extension Interpolation {
    /// `resampleAxis` along y or z without a B-spline prefilter: each output row (y) or plane (z) is the weighted
    /// sum of whole input rows or planes, contiguous in memory, rather than a gather along strided lines. The
    /// sums are formed in the same order as along a line, so the values are bit-identical.
    static func resampleBlocks(_ values: [Double], size: GridSize, axis: Int, taps: LineTaps) -> [Double] {
        precondition(axis == 1 || axis == 2, "blocks are rows (y) or planes (z)")
        let block = axis == 1 ? size.x : size.x * size.y
        let outer = axis == 1 ? size.z : 1
        let n = axis == 1 ? size.y : size.z
        let newLength = taps.newLength, width = taps.width
        var output = [Double](repeating: 0, count: outer * newLength * block)
        values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                taps.indices.withUnsafeBufferPointer { idx in
                    taps.weights.withUnsafeBufferPointer { w in
                        for o in 0..<outer {
                            for m in 0..<newLength {
                                let target = out.baseAddress! + (o &* newLength &+ m) &* block
                                for t in 0..<width {
                                    let weight = w[m &* width &+ t]
                                    let from = source.baseAddress! + (o &* n &+ idx[m &* width &+ t]) &* block
                                    for p in 0..<block { target[p] += weight * from[p] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// The source indices and weights of every output sample of one line (shared by every line of an axis).
///
/// Positions are computed on the whole grid — `start + (firstIndex + m)·step`, clamped onto `0…fullLength − 1`
/// (extrapolation by the nearest boundary value) — and the taps then shifted into a crop starting at `shift`,
/// so that a window gives bit-identical taps to the whole grid.
struct LineTaps {
    let kernel: Interpolation.Kernel
    let width: Int
    let indices: [Int]
    let weights: [Double]
    let newLength: Int

    /// - Parameter zeroOutside: points outside the original voxels (index `< −½` or `≥ n − ½`) are 0, and the cubic
    ///   B-spline is evaluated up to the voxel edges with mirrored coefficients (SimpleITK), rather than every point
    ///   taking the nearest boundary value.
    init(fullLength n: Int, start: Double, step: Double, firstIndex: Int, count: Int, shift: Int, kernel: Interpolation.Kernel,
         zeroOutside: Bool = false) {
        self.kernel = kernel
        newLength = count
        width = kernel == .nearest ? 1 : kernel == .linear ? 2 : 4
        var indices = [Int](repeating: 0, count: count * width)
        var weights = [Double](repeating: 0, count: count * width)
        for m in 0..<count {
            let position = start + Double(firstIndex + m) * step
            if zeroOutside && (position < -0.5 || position >= Double(n) - 0.5) {
                // Weights stay 0; the indices point at the first source voxel of the crop.
                continue
            }
            let x = zeroOutside && kernel == .cubicSpline ? position : min(max(position, 0), Double(n - 1))
            switch kernel {
            case .nearest:
                indices[m] = min(Int((x + 0.5).rounded(.down)), n - 1) - shift
                weights[m] = 1
            case .linear:
                let i0 = min(Int(x.rounded(.down)), max(n - 2, 0))
                let f = x - Double(i0)
                indices[2 * m] = i0 - shift
                indices[2 * m + 1] = min(i0 + 1, n - 1) - shift
                weights[2 * m] = 1 - f
                weights[2 * m + 1] = f
            case .cubicSpline:
                let i0 = Int(x.rounded(.down))
                let f = x - Double(i0)
                let w = BSpline.weights(f)
                for t in 0..<4 {
                    indices[4 * m + t] = BSpline.mirror(i0 - 1 + t, n) - shift
                    weights[4 * m + t] = w[t]
                }
            }
        }
        self.indices = indices
        self.weights = weights
    }

    func apply(_ line: UnsafeMutableBufferPointer<Double>, to out: UnsafeMutableBufferPointer<Double>, base: Int, stride: Int) {
        indices.withUnsafeBufferPointer { idx in
            weights.withUnsafeBufferPointer { w in
                for m in 0..<newLength {
                    var sum = 0.0
                    for t in 0..<width { sum += w[m &* width &+ t] * line[idx[m &* width &+ t]] }
                    out[base &+ m &* stride] = sum
                }
            }
        }
    }
}

/// Cubic B-spline interpolation (Unser 1991; Thévenaz, Blu & Unser 2000) with mirror-symmetric boundaries.
enum BSpline {
    static let pole = 3.0.squareRoot() - 2

    /// Turns samples into cubic B-spline coefficients in place (causal and anti-causal recursive filters).
    static func prefilter(_ c: UnsafeMutableBufferPointer<Double>) {
        let n = c.count
        guard n > 1 else { return }
        let z = pole
        let gain = (1 - z) * (1 - 1 / z)
        for i in 0..<n { c[i] *= gain }
        // Initial causal coefficient for mirror boundaries: truncated sum when z^n is negligible, exact otherwise.
        var sum = c[0]
        if n > 40 {
            var zk = z
            for k in 1..<40 {
                sum += zk * c[k]
                zk *= z
            }
        } else {
            var zk = z
            let z2n = pow(z, Double(2 * n - 2))
            var zReverse = z2n / z
            for k in 1..<(n - 1) {
                sum += (zk + zReverse) * c[k]
                zk *= z
                zReverse /= z
            }
            sum = (sum + zk * c[n - 1]) / (1 - z2n)
        }
        c[0] = sum
        for k in 1..<n { c[k] += z * c[k - 1] }
        c[n - 1] = (z / (z * z - 1)) * (z * c[n - 2] + c[n - 1])
        for k in stride(from: n - 2, through: 0, by: -1) { c[k] = z * (c[k + 1] - c[k]) }
    }

    /// Weights of the 4 coefficients around a sample at fraction `f` past index `i0` (taps i0−1 … i0+2).
    static func weights(_ f: Double) -> [Double] {
        let g = 1 - f
        return [g * g * g / 6, (4 - 6 * f * f + 3 * f * f * f) / 6, (4 - 6 * g * g + 3 * g * g * g) / 6, f * f * f / 6]
    }

    /// Mirror-symmetric index onto `0..<n`.
    static func mirror(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }
}
