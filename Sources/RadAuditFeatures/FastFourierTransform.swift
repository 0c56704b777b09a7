import Foundation
import RadAuditImageIO

/// The forward discrete Fourier transform `X[f] = Σₙ x[n]·exp(−2πi·f·n/N)` of one length `N`, for
/// lengths whose prime factors are 2, 3 and 5, in Double precision.
///
/// Stockham's self-sorting formulation: each stage of radix `p` splits the sequence into `p`
/// interleaved sub-sequences of length `N/p` whose transforms are computed by the following stages, so
/// the output needs no bit-reversal. Data are split complex (separate real and imaginary buffers) and
/// transformed in batches of interleaved sequences: element `q` of sequence `k` at `k + batch·q`. The
/// batch index is the innermost loop, so the butterflies run over contiguous memory.
struct FourierTransform: Sendable {
    /// One Stockham stage: radix `p` on sub-sequences of length `span`.
    private struct Stage: Sendable {
        var radix: Int
        var span: Int
        /// `exp(−2πi·r·q/span)` for `q` in `0..<span/radix` and `r` in `1..<radix`, at `q·(radix−1) + r−1`.
        var twiddleReal: [Double]
        var twiddleImaginary: [Double]
    }

    let count: Int
    private let stages: [Stage]

    /// cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5) for the radix-5 butterfly.
    private static let fifthRoots = (cos(2 * Double.pi / 5), cos(4 * Double.pi / 5),
                                     sin(2 * Double.pi / 5), sin(4 * Double.pi / 5))

    /// The smallest length `≥ n` whose prime factors are 2, 3 and 5.
    static func fastLength(atLeast n: Int) -> Int {
        precondition(n >= 1)
        var best = Int.max
        var fives = 1
        while fives < 2 * n {
            var threes = fives
            while threes < 2 * n {
                var length = threes
                while length < n { length *= 2 }
                best = min(best, length)
                threes *= 3
            }
            fives *= 5
        }
        return best
    }

    init(count: Int) {
        precondition(count >= 1)
        var radices: [Int] = []
        var rest = count
        for p in [4, 2, 3, 5] {
            while rest % p == 0 {
                radices.append(p)
                rest /= p
            }
        }
        precondition(rest == 1, "FourierTransform length \(count) has a prime factor above 5")
        self.count = count
        var span = count
        var stages: [Stage] = []
        for p in radices {
            let m = span / p
            var twiddleReal = [Double](repeating: 0, count: m * (p - 1))
            var twiddleImaginary = twiddleReal
            for q in 0..<m {
                for r in 1..<p {
                    let angle = -2 * Double.pi * Double(r * q) / Double(span)
                    twiddleReal[q * (p - 1) + r - 1] = cos(angle)
                    twiddleImaginary[q * (p - 1) + r - 1] = sin(angle)
                }
            }
            stages.append(Stage(radix: p, span: span, twiddleReal: twiddleReal, twiddleImaginary: twiddleImaginary))
            span = m
        }
        self.stages = stages
    }

    /// Transforms `batch` interleaved sequences of length `count` in place (element `q` of sequence `k`
    /// at index `k + batch·q`). The scratch buffers need room for `batch·count` values each.
    func transform(real: UnsafeMutablePointer<Double>, imaginary: UnsafeMutablePointer<Double>, batch: Int,
                   scratchReal: UnsafeMutablePointer<Double>, scratchImaginary: UnsafeMutablePointer<Double>) {
        var source = (real, imaginary)
        var target = (scratchReal, scratchImaginary)
        var stride = batch
        for stage in stages {
            stage.twiddleReal.withUnsafeBufferPointer { wr in
                stage.twiddleImaginary.withUnsafeBufferPointer { wi in
                    Self.apply(stage.radix, span: stage.span, stride: stride, twiddles: (wr, wi),
                               from: source, to: target)
                }
            }
            stride *= stage.radix
            swap(&source, &target)
        }
        if source.0 != real {
            real.update(from: source.0, count: batch * count)
            imaginary.update(from: source.1, count: batch * count)
        }
    }

    /// One stage: for each `q < span/p` and interleaved sequence `k < stride`, the `p`-point DFT `b` of
    /// `a[j] = x[k + stride·(q + m·j)]` is written, times `exp(−2πi·r·q/span)`, to `y[k + stride·(p·q + r)]`.
    private static func apply(_ p: Int, span: Int, stride s: Int,
                              twiddles: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>),
                              from x: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                              to y: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) {
        let m = span / p
        let (xr, xi) = x
        let (yr, yi) = y
        let (wr, wi) = twiddles
        let sm = s * m
        for q in 0..<m {
            let input = s * q
            let output = s * p * q
            let tw = q * (p - 1)
            switch p {
            case 2:
                let w1r = wr[tw], w1i = wi[tw]
                for k in 0..<s {
                    let i0 = input + k, o = output + k
                    let a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm]
                    yr[o] = a0r + a1r
                    yi[o] = a0i + a1i
                    let b1r = a0r - a1r, b1i = a0i - a1i
                    yr[o + s] = b1r * w1r - b1i * w1i
                    yi[o + s] = b1r * w1i + b1i * w1r
                }
            case 3:
                let sin60 = 3.0.squareRoot() / 2
                let w1r = wr[tw], w1i = wi[tw], w2r = wr[tw + 1], w2i = wi[tw + 1]
                for k in 0..<s {
                    let i0 = input + k, o = output + k
                    let a0r = xr[i0], a0i = xi[i0]
                    let a1r = xr[i0 + sm], a1i = xi[i0 + sm]
                    let a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm]
                    let t1r = a1r + a2r, t1i = a1i + a2i
                    let t2r = a0r - 0.5 * t1r, t2i = a0i - 0.5 * t1i
                    let dr = sin60 * (a1r - a2r), di = sin60 * (a1i - a2i)
                    yr[o] = a0r + t1r
                    yi[o] = a0i + t1i
                    let b1r = t2r + di, b1i = t2i - dr
                    let b2r = t2r - di, b2i = t2i + dr
                    yr[o + s] = b1r * w1r - b1i * w1i
                    yi[o + s] = b1r * w1i + b1i * w1r
                    yr[o + 2 * s] = b2r * w2r - b2i * w2i
                    yi[o + 2 * s] = b2r * w2i + b2i * w2r
                }
            case 4:
                let w1r = wr[tw], w1i = wi[tw], w2r = wr[tw + 1], w2i = wi[tw + 1]
                let w3r = wr[tw + 2], w3i = wi[tw + 2]
                for k in 0..<s {
                    let i0 = input + k, o = output + k
                    let a0r = xr[i0], a0i = xi[i0]
                    let a1r = xr[i0 + sm], a1i = xi[i0 + sm]
                    let a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm]
                    let a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm]
                    let t0r = a0r + a2r, t0i = a0i + a2i
                    let t1r = a0r - a2r, t1i = a0i - a2i
                    let t2r = a1r + a3r, t2i = a1i + a3i
                    let t3r = a1r - a3r, t3i = a1i - a3i
                    yr[o] = t0r + t2r
                    yi[o] = t0i + t2i
                    let b1r = t1r + t3i, b1i = t1i - t3r
                    let b2r = t0r - t2r, b2i = t0i - t2i
                    let b3r = t1r - t3i, b3i = t1i + t3r
                    yr[o + s] = b1r * w1r - b1i * w1i
                    yi[o + s] = b1r * w1i + b1i * w1r
                    yr[o + 2 * s] = b2r * w2r - b2i * w2i
                    yi[o + 2 * s] = b2r * w2i + b2i * w2r
                    yr[o + 3 * s] = b3r * w3r - b3i * w3i
                    yi[o + 3 * s] = b3r * w3i + b3i * w3r
                }
            default:
                precondition(p == 5)
                let (c1, c2, s1, s2) = fifthRoots
                for k in 0..<s {
                    let i0 = input + k, o = output + k
                    let a0r = xr[i0], a0i = xi[i0]
                    let a1r = xr[i0 + sm], a1i = xi[i0 + sm]
                    let a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm]
                    let a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm]
                    let a4r = xr[i0 + 4 * sm], a4i = xi[i0 + 4 * sm]
                    let t1r = a1r + a4r, t1i = a1i + a4i
                    let t2r = a2r + a3r, t2i = a2i + a3i
                    let t3r = a1r - a4r, t3i = a1i - a4i
                    let t4r = a2r - a3r, t4i = a2i - a3i
                    yr[o] = a0r + t1r + t2r
                    yi[o] = a0i + t1i + t2i
                    // b1, b4 = ca ∓ i·sa;  b2, b3 = cb ∓ i·sb.
                    let car = a0r + c1 * t1r + c2 * t2r, cai = a0i + c1 * t1i + c2 * t2i
                    let sar = s1 * t3r + s2 * t4r, sai = s1 * t3i + s2 * t4i
                    let cbr = a0r + c2 * t1r + c1 * t2r, cbi = a0i + c2 * t1i + c1 * t2i
                    let sbr = s2 * t3r - s1 * t4r, sbi = s2 * t3i - s1 * t4i
                    let b1r = car + sai, b1i = cai - sar, b4r = car - sai, b4i = cai + sar
                    let b2r = cbr + sbi, b2i = cbi - sbr, b3r = cbr - sbi, b3i = cbi + sbr
                    yr[o + s] = b1r * wr[tw] - b1i * wi[tw]
                    yi[o + s] = b1r * wi[tw] + b1i * wr[tw]
                    yr[o + 2 * s] = b2r * wr[tw + 1] - b2i * wi[tw + 1]
                    yi[o + 2 * s] = b2r * wi[tw + 1] + b2i * wr[tw + 1]
                    yr[o + 3 * s] = b3r * wr[tw + 2] - b3i * wi[tw + 2]
                    yi[o + 3 * s] = b3r * wi[tw + 2] + b3i * wr[tw + 2]
                    yr[o + 4 * s] = b4r * wr[tw + 3] - b4i * wi[tw + 3]
                    yi[o + 4 * s] = b4r * wi[tw + 3] + b4i * wr[tw + 3]
                }
            }
        }
    }
}

/// The forward 3D discrete Fourier transform on a grid (`x` fastest), as 1D transforms along each axis.
///
/// Lines along an axis are gathered in small batches into a contiguous buffer, transformed together
/// and scattered back; batches that are entirely zero (common in zero-padded data) are skipped.
struct FourierTransform3D: Sendable {
    let size: GridSize
    private let axisTransforms: [FourierTransform]
    private static let linesPerBatch = 16

    /// A transform for grids of `size`; every side must have prime factors 2, 3 and 5 only.
    init(size: GridSize) {
        self.size = size
        axisTransforms = [size.x, size.y, size.z].map(FourierTransform.init(count:))
    }

    /// Replaces `(real, imaginary)` by its 3D DFT.
    func forward(real: inout [Double], imaginary: inout [Double]) {
        precondition(real.count == size.count && imaginary.count == size.count)
        let capacity = Self.linesPerBatch * max(size.x, size.y, size.z)
        let workspace = UnsafeMutablePointer<Double>.allocate(capacity: 4 * capacity)
        defer { workspace.deallocate() }
        real.withUnsafeMutableBufferPointer { real in
            imaginary.withUnsafeMutableBufferPointer { imaginary in
                for axis in 0..<3 {
                    transformLines(along: axis, real: real.baseAddress!, imaginary: imaginary.baseAddress!,
                                   workspace: workspace, capacity: capacity)
                }
            }
        }
    }

    /// Transforms every line of the grid along `axis`. The workspace holds four buffers of `capacity`
    /// values: a batch of lines (real, imaginary) and the transform's scratch (real, imaginary).
    private func transformLines(along axis: Int, real: UnsafeMutablePointer<Double>,
                                imaginary: UnsafeMutablePointer<Double>,
                                workspace: UnsafeMutablePointer<Double>, capacity: Int) {
        let n = [size.x, size.y, size.z][axis]
        guard n > 1 else { return }
        let stride = [1, size.x, size.x * size.y][axis]
        let lineCount = size.count / n
        let nx = size.x, nxy = size.x * size.y
        // First element of line l: lines along x follow each other; for lines along y and z the x
        // (and y) index varies fastest.
        let lineStart = { (l: Int) -> Int in
            switch axis {
            case 0: l * n
            case 1: l % nx + (l / nx) * nxy
            default: l
            }
        }
        let lineReal = workspace, lineImaginary = workspace + capacity
        let scratchReal = workspace + 2 * capacity, scratchImaginary = workspace + 3 * capacity
        var first = 0
        while first < lineCount {
            let batch = min(Self.linesPerBatch, lineCount - first)
            var isZero = true
            for b in 0..<batch {
                let start = lineStart(first + b)
                for q in 0..<n {
                    let re = real[start + stride * q], im = imaginary[start + stride * q]
                    lineReal[b + batch * q] = re
                    lineImaginary[b + batch * q] = im
                    if re != 0 || im != 0 { isZero = false }
                }
            }
            if !isZero {
                axisTransforms[axis].transform(real: lineReal, imaginary: lineImaginary, batch: batch,
                                               scratchReal: scratchReal, scratchImaginary: scratchImaginary)
                for b in 0..<batch {
                    let start = lineStart(first + b)
                    for q in 0..<n {
                        real[start + stride * q] = lineReal[b + batch * q]
                        imaginary[start + stride * q] = lineImaginary[b + batch * q]
                    }
                }
            }
            first += batch
        }
    }
}
