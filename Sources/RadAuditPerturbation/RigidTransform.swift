import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// Rotation and translation of an image and its mask together, resampled on the original grid.
///
/// The image is sampled with the nearest or linear kernel of `Interpolation` (same conventions: nearest rounds
/// `x + ½` down, positions beyond the grid take the nearest boundary value); `.cubicSpline` samples linearly.
/// The mask is sampled as a fraction (1 inside, 0 outside, and 0 beyond the grid: a ROI cannot leave the field of
/// view) and thresholded; only the voxels the moved ROI can reach are sampled.
public enum RigidTransform {
    /// Rotation by `degrees` about the axis along z (the slice normal) through the ROI centroid, in physical
    /// (spacing-scaled) in-plane coordinates; positive angles turn the content from +x towards +y. Every slice
    /// is rotated in its own plane, so z is never interpolated. Multiples of 90° use exact sines and cosines.
    ///
    /// The centroid is the mean index of the ROI voxels; an empty mask is returned unchanged with the image.
    ///
    /// On a `part` of a larger image, positions and taps are those of the whole grid (so the part's voxels get the
    /// whole image's values wherever their taps lie in the part).
    public static func rotated(image: Volume<Double>, mask: Volume<Bool>, degrees: Double,
                               imageKernel: Interpolation.Kernel, maskKernel: Interpolation.Kernel,
                               maskThreshold: Double, part: ImagePart? = nil) -> (image: Volume<Double>, mask: Volume<Bool>) {
        precondition(image.size == mask.size, "image and mask must share a grid")
        guard var box = BoundingBox(of: mask.voxels, size: mask.size) else { return (image, mask) }
        let part = part ?? ImagePart(whole: mask.size)
        let size = part.wholeSize
        box = BoundingBox(lower: box.lower &+ part.offset, upper: box.upper &+ part.offset)
        let spacing = mask.geometry.spacing
        let centre = centroid(of: mask, offset: part.offset)
        let (cosine, sine) = cosineAndSine(degrees: degrees)
        // Output voxel (i, j) samples the source at centre + R(−θ)(p − centre), in mm; this is linear in i and j.
        let aspect = spacing.y / spacing.x
        func source(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
            let (dx, dy) = (Double(i) - centre.x, Double(j) - centre.y)
            return SIMD3(centre.x + cosine * dx + sine * dy * aspect, centre.y - sine * dx / aspect + cosine * dy, Double(k))
        }
        let rotatedImage = resampledImage(image, kernel: imageKernel, part: part, source: source)
        // A source position within (lower − 1, upper) on both in-plane axes can touch the ROI box: map that square
        // forward to find the output voxels worth sampling.
        var low = SIMD2(Double.infinity, Double.infinity), high = -low
        for corner in [SIMD2(box.lower.x - 1, box.lower.y - 1), SIMD2(box.upper.x, box.lower.y - 1),
                       SIMD2(box.lower.x - 1, box.upper.y), SIMD2(box.upper.x, box.upper.y)] {
            let (dx, dy) = (Double(corner.x) - centre.x, Double(corner.y) - centre.y)
            let target = SIMD2(centre.x + cosine * dx - sine * dy * aspect, centre.y + sine * dx / aspect + cosine * dy)
            low = pointwiseMin(low, target)
            high = pointwiseMax(high, target)
        }
        let outputBox = BoundingBox(
            lower: SIMD3(max(Int(low.x.rounded(.down)), 0), max(Int(low.y.rounded(.down)), 0), box.lower.z),
            upper: SIMD3(min(Int(high.x.rounded(.up)) + 1, size.x), min(Int(high.y.rounded(.up)) + 1, size.y), box.upper.z))
        let rotatedMask = resampledMask(mask, in: outputBox, kernel: maskKernel, threshold: maskThreshold, part: part,
                                        source: source)
        return (rotatedImage, rotatedMask)
    }

    /// Translation of the sampling grid by `fraction` of the voxel spacing along every axis: voxel `(i, j, k)` takes
    /// the value at position `(i + f, j + f, k + f)` of the original grid.
    public static func translated(image: Volume<Double>, mask: Volume<Bool>, fraction: Double,
                                  imageKernel: Interpolation.Kernel, maskKernel: Interpolation.Kernel,
                                  maskThreshold: Double, part: ImagePart? = nil) -> (image: Volume<Double>, mask: Volume<Bool>) {
        precondition(image.size == mask.size, "image and mask must share a grid")
        precondition(fraction.isFinite, "the translation must be finite")
        guard var box = BoundingBox(of: mask.voxels, size: mask.size) else { return (image, mask) }
        let part = part ?? ImagePart(whole: mask.size)
        let size = part.wholeSize
        box = BoundingBox(lower: box.lower &+ part.offset, upper: box.upper &+ part.offset)
        func source(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
            SIMD3(Double(i) + fraction, Double(j) + fraction, Double(k) + fraction)
        }
        let translatedImage = resampledImage(image, kernel: imageKernel, part: part, source: source)
        let reach = Int(min(abs(fraction), Double(max(size.x, size.y, size.z))).rounded(.up)) + 1
        let outputBox = box.expanded(by: SIMD3(repeating: reach), within: size)
        let translatedMask = resampledMask(mask, in: outputBox, kernel: maskKernel, threshold: maskThreshold, part: part,
                                           source: source)
        return (translatedImage, translatedMask)
    }

    /// The image resampled at `source(i, j, k)` for every voxel; indices and positions are those of the whole grid.
    private static func resampledImage(_ image: Volume<Double>, kernel: Interpolation.Kernel, part: ImagePart,
                                       source: (Int, Int, Int) -> SIMD3<Double>) -> Volume<Double> {
        let size = image.size
        let sampler = GridSampler(size: size, kernel: kernel, part: part)
        let o = part.offset
        let voxels = image.voxels.withUnsafeBufferPointer { input in
            [Double](unsafeUninitializedCapacity: size.count) { output, initializedCount in
                var index = 0
                for k in 0..<size.z {
                    for j in 0..<size.y {
                        for i in 0..<size.x {
                            (output.baseAddress! + index).initialize(to: sampler.intensity(input, at: source(i + o.x, j + o.y, k + o.z)))
                            index &+= 1
                        }
                    }
                }
                initializedCount = size.count
            }
        }
        return Volume(geometry: image.geometry, voxels: voxels)
    }

    /// The mask resampled at `source(i, j, k)` for the voxels of `box`, `false` elsewhere; indices, positions and
    /// `box` are those of the whole grid.
    private static func resampledMask(_ mask: Volume<Bool>, in wholeBox: BoundingBox, kernel: Interpolation.Kernel,
                                      threshold: Double, part: ImagePart,
                                      source: (Int, Int, Int) -> SIMD3<Double>) -> Volume<Bool> {
        let size = mask.size
        let sampler = GridSampler(size: size, kernel: kernel, part: part)
        let o = part.offset
        let box = BoundingBox(lower: wholeBox.lower &- o, upper: wholeBox.upper &- o)
            .expanded(by: .zero, within: size)
        var result = Volume(geometry: mask.geometry, voxels: [Bool](repeating: false, count: size.count))
        guard box.lower.x < box.upper.x, box.lower.y < box.upper.y, box.lower.z < box.upper.z else { return result }
        let limit = threshold - 1e-12
        mask.voxels.withUnsafeBufferPointer { input in
            result.voxels.withUnsafeMutableBufferPointer { output in
                for k in box.lower.z..<box.upper.z {
                    for j in box.lower.y..<box.upper.y {
                        for i in box.lower.x..<box.upper.x {
                            output[size.index(i, j, k)] = sampler.fraction(input, at: source(i + o.x, j + o.y, k + o.z)) >= limit
                        }
                    }
                }
            }
        }
        return result
    }

    /// The mean voxel index of the `true` voxels of `mask`, in a grid where the mask starts at voxel `offset`.
    static func centroid(of mask: Volume<Bool>, offset: SIMD3<Int> = .zero) -> SIMD3<Double> {
        var sum = SIMD3<Double>.zero
        var count = 0.0
        let size = mask.size
        mask.voxels.withUnsafeBufferPointer { m in
            var index = 0
            for k in 0..<size.z {
                for j in 0..<size.y {
                    for i in 0..<size.x {
                        if m[index] {
                            sum += SIMD3(Double(i + offset.x), Double(j + offset.y), Double(k + offset.z))
                            count += 1
                        }
                        index &+= 1
                    }
                }
            }
        }
        return sum / count
    }

    /// cos θ and sin θ of an angle in degrees, exact for multiples of 90°.
    static func cosineAndSine(degrees: Double) -> (cosine: Double, sine: Double) {
        let reduced = degrees.truncatingRemainder(dividingBy: 360)
        if reduced.truncatingRemainder(dividingBy: 90) == 0 {
            let quarterTurns = (Int(reduced / 90) % 4 + 4) % 4
            return [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][quarterTurns]
        }
        let radians = reduced * Double.pi / 180
        return (cos(radians), sin(radians))
    }
}

/// Values of a voxel grid at fractional index positions with the nearest or linear kernel.
///
/// The grid may be a part of a larger one: positions and taps are then those of the whole grid, shifted onto the
/// part. A tap beyond the part reads its nearest voxel (an image) or nothing (a mask): the whole image's value
/// wherever every tap lies in the part.
struct GridSampler {
    let size: GridSize
    let kernel: Interpolation.Kernel
    /// The whole grid and where the part starts in it.
    let whole: GridSize
    let offset: SIMD3<Int>

    /// Two taps along one axis: indices and weights (the second weight is 0 for the nearest kernel).
    private typealias Taps = (first: Int, second: Int, firstWeight: Double, secondWeight: Double)

    /// `.cubicSpline` samples linearly.
    init(size: GridSize, kernel: Interpolation.Kernel, part: ImagePart? = nil) {
        self.size = size
        self.kernel = kernel == .nearest ? .nearest : .linear
        whole = part?.wholeSize ?? size
        offset = part?.offset ?? .zero
    }

    /// The image value at `position`; positions beyond the grid take the nearest boundary value.
    @inline(__always)
    func intensity(_ voxels: UnsafeBufferPointer<Double>, at position: SIMD3<Double>) -> Double {
        let x = onPart(clampedTaps(position.x, whole.x), offset.x, size.x)
        let y = onPart(clampedTaps(position.y, whole.y), offset.y, size.y)
        let z = onPart(clampedTaps(position.z, whole.z), offset.z, size.z)
        return combine(x, y, z) { voxels[$0] }
    }

    /// The fraction of the mask at `position`; voxels beyond the grid are outside.
    @inline(__always)
    func fraction(_ voxels: UnsafeBufferPointer<Bool>, at position: SIMD3<Double>) -> Double {
        let x = onPart(boundedTaps(position.x, whole.x), offset.x, size.x, outside: true)
        let y = onPart(boundedTaps(position.y, whole.y), offset.y, size.y, outside: true)
        let z = onPart(boundedTaps(position.z, whole.z), offset.z, size.z, outside: true)
        return combine(x, y, z) { voxels[$0] ? 1 : 0 }
    }

    /// Taps of the whole grid as taps of the part of `n` voxels starting at `offset`: beyond the part, the nearest
    /// voxel of the part, or (`outside`) no weight.
    @inline(__always)
    private func onPart(_ taps: Taps, _ offset: Int, _ n: Int, outside: Bool = false) -> Taps {
        func shift(_ index: Int, _ weight: Double) -> (Int, Double) {
            let local = index - offset
            if local >= 0 && local < n { return (local, weight) }
            return outside ? (0, 0) : (min(max(local, 0), n - 1), weight)
        }
        let (first, firstWeight) = shift(taps.first, taps.firstWeight)
        let (second, secondWeight) = shift(taps.second, taps.secondWeight)
        return (first, second, firstWeight, secondWeight)
    }

    /// Σ weight · value over the 2×2×2 taps, skipping zero weights (so a NaN voxel with no weight stays out).
    @inline(__always)
    private func combine(_ x: Taps, _ y: Taps, _ z: Taps, _ value: (Int) -> Double) -> Double {
        @inline(__always) func line(_ j: Int, _ k: Int) -> Double {
            let row = size.x &* (j &+ size.y &* k)
            var sum = 0.0
            if x.firstWeight != 0 { sum += x.firstWeight * value(row &+ x.first) }
            if x.secondWeight != 0 { sum += x.secondWeight * value(row &+ x.second) }
            return sum
        }
        @inline(__always) func plane(_ k: Int) -> Double {
            var sum = 0.0
            if y.firstWeight != 0 { sum += y.firstWeight * line(y.first, k) }
            if y.secondWeight != 0 { sum += y.secondWeight * line(y.second, k) }
            return sum
        }
        var sum = 0.0
        if z.firstWeight != 0 { sum += z.firstWeight * plane(z.first) }
        if z.secondWeight != 0 { sum += z.secondWeight * plane(z.second) }
        return sum
    }

    /// Taps of a position clamped onto `0...n−1` (nearest-value extrapolation).
    @inline(__always)
    private func clampedTaps(_ position: Double, _ n: Int) -> Taps {
        let x = min(max(position, 0), Double(n - 1))
        if kernel == .nearest {
            let i = min(Int(x + 0.5), n - 1)
            return (i, i, 1, 0)
        }
        let first = min(Int(x), max(n - 2, 0))
        let w = x - Double(first)
        return (first, min(first + 1, n - 1), 1 - w, w)
    }

    /// Taps of a position where samples beyond `0..<n` are zero: their weight is 0 and their index a valid one.
    @inline(__always)
    private func boundedTaps(_ position: Double, _ n: Int) -> Taps {
        if kernel == .nearest {
            let rounded = (position + 0.5).rounded(.down)
            guard rounded >= 0, rounded < Double(n) else { return (0, 0, 0, 0) }
            return (Int(rounded), 0, 1, 0)
        }
        let floor = position.rounded(.down)
        let w = position - floor
        guard floor >= -1, floor < Double(n) else { return (0, 0, 0, 0) }
        let first = Int(floor)
        let firstTap = first >= 0 ? (first, 1 - w) : (0, 0)
        let secondTap = first + 1 < n ? (first + 1, w) : (0, 0)
        return (firstTap.0, secondTap.0, firstTap.1, secondTap.1)
    }
}
