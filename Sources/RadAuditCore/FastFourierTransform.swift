import Foundation

/// The forward discrete Fourier transform `X[f] = Σₙ x[n]·exp(−2πi·f·n/N)` of one length `N`, for
/// lengths whose prime factors are 2, 3 and 5, in Double precision.
///
/// Stockham's self-sorting formulation: each stage of radix `p` splits the sequence into `p`
/// interleaved sub-sequences of length `N/p` whose transforms are computed by the following stages, so
/// the output needs no bit-reversal. Data are split complex (separate real and imaginary buffers) and
/// transformed in batches of interleaved sequences: element `q` of sequence `k` at `k + batch·q`. The
/// batch index is the innermost loop, so the butterflies run over contiguous memory.
public struct FourierTransform: Sendable {
    /// One Stockham stage: radix `p` on sub-sequences of length `span`.
    private struct Stage: Sendable {
        var radix: Int
        var span: Int
        /// `exp(−2πi·r·q/span)` for `q` in `0..<span/radix` and `r` in `1..<radix`, at `q·(radix−1) + r−1`.
        var twiddleReal: [Double]
        var twiddleImaginary: [Double]
    }

    public let count: Int
    private let stages: [Stage]

    /// The smallest length `≥ n` whose prime factors are 2, 3 and 5.
    public static func fastLength(atLeast n: Int) -> Int {
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

    public init(count: Int) {
        precondition(count >= 1)
        var radices: [Int] = []
        var rest = count
        for p in [8, 4, 2, 3, 5] {
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
    ///
    /// The stages alternate between the data and the scratch buffers; when their number is odd, the last
    /// one (whose butterflies read and write the same elements) runs in place, so the result always ends
    /// in the data buffers.
    public func transform(real: UnsafeMutablePointer<Double>, imaginary: UnsafeMutablePointer<Double>, batch: Int,
                   scratchReal: UnsafeMutablePointer<Double>, scratchImaginary: UnsafeMutablePointer<Double>) {
        var source = (real, imaginary)
        var target = (scratchReal, scratchImaginary)
        var stride = batch
        for (index, stage) in stages.enumerated() {
            let inPlace = index == stages.count - 1 && stages.count % 2 == 1
            stage.twiddleReal.withUnsafeBufferPointer { wr in
                stage.twiddleImaginary.withUnsafeBufferPointer { wi in
                    Self.apply(stage.radix, span: stage.span, stride: stride, twiddles: (wr, wi),
                               from: source, to: inPlace ? source : target)
                }
            }
            stride *= stage.radix
            if !inPlace { swap(&source, &target) }
        }
    }

    /// One stage: for each `q < span/p` and interleaved sequence `k < stride`, the `p`-point DFT `b` of
    /// `a[j] = x[k + stride·(q + m·j)]` is written, times `exp(−2πi·r·q/span)`, to `y[k + stride·(p·q + r)]`.
    /// The sequences are taken two at a time (one SIMD register), the last one alone when `stride` is odd.
    private static func apply(_ p: Int, span: Int, stride s: Int,
                              twiddles: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>),
                              from x: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                              to y: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) {
        let m = span / p
        let (wr, wi) = twiddles
        for q in 0..<m {
            let tw = q &* (p &- 1)
            let twiddle = { (r: Int) -> (Double, Double) in r < p ? (wr[tw &+ r &- 1], wi[tw &+ r &- 1]) : (1, 0) }
            let stage = ButterflyStage(x: x, y: y, input: s &* q, output: s &* p &* q, s: s, sm: s &* m,
                                       w1: twiddle(1), w2: twiddle(2), w3: twiddle(3), w4: twiddle(4),
                                       w5: twiddle(5), w6: twiddle(6), w7: twiddle(7))
            var k = 0
            switch p {
            case 2:
                while k &+ 1 < s { stage.radix2(SIMD2<Double>.self, k); k &+= 2 }
                if k < s { stage.radix2(Double.self, k) }
            case 3:
                while k &+ 1 < s { stage.radix3(SIMD2<Double>.self, k); k &+= 2 }
                if k < s { stage.radix3(Double.self, k) }
            case 4:
                while k &+ 1 < s { stage.radix4(SIMD2<Double>.self, k); k &+= 2 }
                if k < s { stage.radix4(Double.self, k) }
            case 8:
                while k &+ 1 < s { stage.radix8(SIMD2<Double>.self, k); k &+= 2 }
                if k < s { stage.radix8(Double.self, k) }
            default:
                precondition(p == 5)
                while k &+ 1 < s { stage.radix5(SIMD2<Double>.self, k); k &+= 2 }
                if k < s { stage.radix5(Double.self, k) }
            }
        }
    }
}

/// One or two Double lanes of the butterflies: one sequence, or two adjacent interleaved sequences.
private protocol ButterflyLanes {
    init(repeating value: Double)
    init(at pointer: UnsafeMutablePointer<Double>)
    func store(at pointer: UnsafeMutablePointer<Double>)
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
}

extension Double: ButterflyLanes {
    init(repeating value: Double) { self = value }
    @inline(__always) init(at pointer: UnsafeMutablePointer<Double>) { self = pointer.pointee }
    @inline(__always) func store(at pointer: UnsafeMutablePointer<Double>) { pointer.pointee = self }
}

extension SIMD2<Double>: ButterflyLanes {
    @inline(__always) init(at pointer: UnsafeMutablePointer<Double>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }
    @inline(__always) func store(at pointer: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}

/// The butterflies of one Stockham stage at one `q`: input `a[j]` of sequence `k` at `input + k + sm·j`,
/// output `b[r]·w_r` at `output + k + s·r`, with the twiddles `w_r = exp(−2πi·r·q/span)` (`w_0 = 1`).
private struct ButterflyStage {
    let x: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
    let y: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
    let input: Int, output: Int, s: Int, sm: Int
    let w1: (Double, Double), w2: (Double, Double), w3: (Double, Double), w4: (Double, Double)
    let w5: (Double, Double), w6: (Double, Double), w7: (Double, Double)

    /// sin(2π/3) = √3/2.
    private static let sin60 = 3.0.squareRoot() / 2
    /// √2/2.
    private static let halfSquareRoot2 = 2.0.squareRoot() / 2
    /// cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5).
    private static let fifthRoots = (cos(2 * Double.pi / 5), cos(4 * Double.pi / 5),
                                     sin(2 * Double.pi / 5), sin(4 * Double.pi / 5))

    @inline(__always) private func load<L: ButterflyLanes>(_ j: Int, _ k: Int) -> (L, L) {
        let i = input &+ k &+ sm &* j
        return (L(at: x.0 + i), L(at: x.1 + i))
    }

    @inline(__always) private func store<L: ButterflyLanes>(_ b: (L, L), _ r: Int, _ k: Int) {
        let o = output &+ k &+ s &* r
        b.0.store(at: y.0 + o)
        b.1.store(at: y.1 + o)
    }

    /// Stores `b·w`.
    @inline(__always) private func store<L: ButterflyLanes>(_ b: (L, L), times w: (Double, Double), _ r: Int, _ k: Int) {
        let (wr, wi) = (L(repeating: w.0), L(repeating: w.1))
        store((b.0 * wr - b.1 * wi, b.0 * wi + b.1 * wr), r, k)
    }

    @inline(__always) func radix2<L: ButterflyLanes>(_: L.Type, _ k: Int) {
        let a0: (L, L) = load(0, k), a1: (L, L) = load(1, k)
        store((a0.0 + a1.0, a0.1 + a1.1), 0, k)
        store((a0.0 - a1.0, a0.1 - a1.1), times: w1, 1, k)
    }

    @inline(__always) func radix3<L: ButterflyLanes>(_: L.Type, _ k: Int) {
        let a0: (L, L) = load(0, k), a1: (L, L) = load(1, k), a2: (L, L) = load(2, k)
        let half = L(repeating: 0.5), sine = L(repeating: Self.sin60)
        let t1 = (a1.0 + a2.0, a1.1 + a2.1)
        let t2 = (a0.0 - half * t1.0, a0.1 - half * t1.1)
        let d = (sine * (a1.0 - a2.0), sine * (a1.1 - a2.1))
        store((a0.0 + t1.0, a0.1 + t1.1), 0, k)
        store((t2.0 + d.1, t2.1 - d.0), times: w1, 1, k)
        store((t2.0 - d.1, t2.1 + d.0), times: w2, 2, k)
    }

    @inline(__always) func radix4<L: ButterflyLanes>(_: L.Type, _ k: Int) {
        let a0: (L, L) = load(0, k), a1: (L, L) = load(1, k), a2: (L, L) = load(2, k), a3: (L, L) = load(3, k)
        let t0 = (a0.0 + a2.0, a0.1 + a2.1), t1 = (a0.0 - a2.0, a0.1 - a2.1)
        let t2 = (a1.0 + a3.0, a1.1 + a3.1), t3 = (a1.0 - a3.0, a1.1 - a3.1)
        store((t0.0 + t2.0, t0.1 + t2.1), 0, k)
        store((t1.0 + t3.1, t1.1 - t3.0), times: w1, 1, k)
        store((t0.0 - t2.0, t0.1 - t2.1), times: w2, 2, k)
        store((t1.0 - t3.1, t1.1 + t3.0), times: w3, 3, k)
    }

    /// The 8-point DFT as two 4-point DFTs: of `u_j = a_j + a_{j+4}` (even outputs) and of
    /// `v_j·ω^j` with `v_j = a_j − a_{j+4}`, `ω = exp(−2πi/8)` (odd outputs).
    @inline(__always) func radix8<L: ButterflyLanes>(_: L.Type, _ k: Int) {
        let a0: (L, L) = load(0, k), a1: (L, L) = load(1, k), a2: (L, L) = load(2, k), a3: (L, L) = load(3, k)
        let a4: (L, L) = load(4, k), a5: (L, L) = load(5, k), a6: (L, L) = load(6, k), a7: (L, L) = load(7, k)
        let u0 = (a0.0 + a4.0, a0.1 + a4.1), u1 = (a1.0 + a5.0, a1.1 + a5.1)
        let u2 = (a2.0 + a6.0, a2.1 + a6.1), u3 = (a3.0 + a7.0, a3.1 + a7.1)
        let v0 = (a0.0 - a4.0, a0.1 - a4.1), v1 = (a1.0 - a5.0, a1.1 - a5.1)
        let v2 = (a2.0 - a6.0, a2.1 - a6.1), v3 = (a3.0 - a7.0, a3.1 - a7.1)
        let t0 = (u0.0 + u2.0, u0.1 + u2.1), t1 = (u0.0 - u2.0, u0.1 - u2.1)
        let t2 = (u1.0 + u3.0, u1.1 + u3.1), t3 = (u1.0 - u3.0, u1.1 - u3.1)
        store((t0.0 + t2.0, t0.1 + t2.1), 0, k)
        store((t1.0 + t3.1, t1.1 - t3.0), times: w2, 2, k)
        store((t0.0 - t2.0, t0.1 - t2.1), times: w4, 4, k)
        store((t1.0 - t3.1, t1.1 + t3.0), times: w6, 6, k)
        // v1·ω = v1·(1 − i)/√2, v2·ω² = −i·v2, v3·ω³ = v3·(−1 − i)/√2.
        let root = L(repeating: Self.halfSquareRoot2)
        let r1 = (root * (v1.0 + v1.1), root * (v1.1 - v1.0))
        let r3 = (root * (v3.1 - v3.0), L(repeating: 0) - root * (v3.0 + v3.1))
        let s0 = (v0.0 + v2.1, v0.1 - v2.0), s1 = (v0.0 - v2.1, v0.1 + v2.0)
        let s2 = (r1.0 + r3.0, r1.1 + r3.1), s3 = (r1.0 - r3.0, r1.1 - r3.1)
        store((s0.0 + s2.0, s0.1 + s2.1), times: w1, 1, k)
        store((s1.0 + s3.1, s1.1 - s3.0), times: w3, 3, k)
        store((s0.0 - s2.0, s0.1 - s2.1), times: w5, 5, k)
        store((s1.0 - s3.1, s1.1 + s3.0), times: w7, 7, k)
    }

    @inline(__always) func radix5<L: ButterflyLanes>(_: L.Type, _ k: Int) {
        let a0: (L, L) = load(0, k), a1: (L, L) = load(1, k), a2: (L, L) = load(2, k)
        let a3: (L, L) = load(3, k), a4: (L, L) = load(4, k)
        let (c1, c2) = (L(repeating: Self.fifthRoots.0), L(repeating: Self.fifthRoots.1))
        let (s1, s2) = (L(repeating: Self.fifthRoots.2), L(repeating: Self.fifthRoots.3))
        let t1 = (a1.0 + a4.0, a1.1 + a4.1), t2 = (a2.0 + a3.0, a2.1 + a3.1)
        let t3 = (a1.0 - a4.0, a1.1 - a4.1), t4 = (a2.0 - a3.0, a2.1 - a3.1)
        store((a0.0 + t1.0 + t2.0, a0.1 + t1.1 + t2.1), 0, k)
        // b1, b4 = ca ∓ i·sa;  b2, b3 = cb ∓ i·sb.
        let ca = (a0.0 + c1 * t1.0 + c2 * t2.0, a0.1 + c1 * t1.1 + c2 * t2.1)
        let sa = (s1 * t3.0 + s2 * t4.0, s1 * t3.1 + s2 * t4.1)
        let cb = (a0.0 + c2 * t1.0 + c1 * t2.0, a0.1 + c2 * t1.1 + c1 * t2.1)
        let sb = (s2 * t3.0 - s1 * t4.0, s2 * t3.1 - s1 * t4.1)
        store((ca.0 + sa.1, ca.1 - sa.0), times: w1, 1, k)
        store((cb.0 + sb.1, cb.1 - sb.0), times: w2, 2, k)
        store((cb.0 - sb.1, cb.1 + sb.0), times: w3, 3, k)
        store((ca.0 - sa.1, ca.1 + sa.0), times: w4, 4, k)
    }
}
