#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RadAuditCore

/// The discrete Fourier transform `X[f] = Σₙ x[n]·exp(∓2πi·f·n/N)` of any length `N`: the Stockham FFT of
/// `RadAuditCore` for lengths whose prime factors are 2, 3 and 5, Bluestein's chirp-z algorithm (one convolution of
/// FFT length ≥ 2N − 1) for the others. Double precision throughout.
struct AnyLengthFourierTransform: Sendable {
    let count: Int
    private let direct: FourierTransform?
    /// Bluestein: the chirp `exp(−iπk²/N)`, the FFT of its conjugate's periodic extension, and that FFT's length.
    private let chirp: (real: [Double], imaginary: [Double])
    private let kernelSpectrum: (real: [Double], imaginary: [Double])
    private let convolution: FourierTransform?

    init(count: Int) {
        precondition(count >= 1)
        self.count = count
        if FourierTransform.fastLength(atLeast: count) == count {
            direct = FourierTransform(count: count)
            chirp = ([], [])
            kernelSpectrum = ([], [])
            convolution = nil
            return
        }
        direct = nil
        let m = FourierTransform.fastLength(atLeast: 2 * count - 1)
        var wr = [Double](repeating: 0, count: count), wi = wr
        for k in 0..<count {
            // k² mod 2N keeps the angle exact for long sequences.
            let angle = -Double.pi * Double((k * k) % (2 * count)) / Double(count)
            (wr[k], wi[k]) = (cos(angle), sin(angle))
        }
        var br = [Double](repeating: 0, count: m), bi = br
        br[0] = wr[0]; bi[0] = -wi[0]
        for k in 1..<count {
            (br[k], bi[k]) = (wr[k], -wi[k])
            (br[m - k], bi[m - k]) = (wr[k], -wi[k])
        }
        let fft = FourierTransform(count: m)
        var scratchReal = [Double](repeating: 0, count: m), scratchImaginary = scratchReal
        Self.run(fft, &br, &bi, &scratchReal, &scratchImaginary)
        chirp = (wr, wi)
        kernelSpectrum = (br, bi)
        convolution = fft
    }

    /// Buffers one transform reuses from call to call (one per thread): the FFT's scratch and Bluestein's sequence.
    final class Workspace {
        var scratchReal: [Double], scratchImaginary: [Double]
        var chirpReal: [Double], chirpImaginary: [Double]

        init(for transform: AnyLengthFourierTransform) {
            let length = transform.convolution?.count ?? transform.count
            scratchReal = [Double](repeating: 0, count: length)
            scratchImaginary = scratchReal
            chirpReal = scratchReal
            chirpImaginary = scratchReal
        }
    }

    /// Runs `fft` in place on `real`/`imaginary` (each `fft.count` long) with scratch buffers of that length.
    private static func run(_ fft: FourierTransform, _ real: inout [Double], _ imaginary: inout [Double],
                            _ scratchReal: inout [Double], _ scratchImaginary: inout [Double]) {
        real.withUnsafeMutableBufferPointer { r in
            imaginary.withUnsafeMutableBufferPointer { i in
                scratchReal.withUnsafeMutableBufferPointer { sr in
                    scratchImaginary.withUnsafeMutableBufferPointer { si in
                        fft.transform(real: r.baseAddress!, imaginary: i.baseAddress!, batch: 1,
                                      scratchReal: sr.baseAddress!, scratchImaginary: si.baseAddress!)
                    }
                }
            }
        }
    }

    /// Transforms one sequence in place: forward (`exp(−…)`), or inverse (`exp(+…)`, divided by `N`).
    func transform(real: inout [Double], imaginary: inout [Double], inverse: Bool, workspace: Workspace) {
        precondition(real.count == count && imaginary.count == count)
        // The inverse is the conjugate of the forward transform of the conjugate, over N.
        if inverse { for k in 0..<count { imaginary[k] = -imaginary[k] } }
        if let direct {
            Self.run(direct, &real, &imaginary, &workspace.scratchReal, &workspace.scratchImaginary)
        } else if let convolution {
            let m = convolution.count
            // The workspace's buffers, moved out for the duration of the call (no copy).
            var ar = workspace.chirpReal, ai = workspace.chirpImaginary
            (workspace.chirpReal, workspace.chirpImaginary) = ([], [])
            defer { (workspace.chirpReal, workspace.chirpImaginary) = (ar, ai) }
            for k in 0..<count {
                ar[k] = real[k] * chirp.real[k] - imaginary[k] * chirp.imaginary[k]
                ai[k] = real[k] * chirp.imaginary[k] + imaginary[k] * chirp.real[k]
            }
            for k in count..<m { (ar[k], ai[k]) = (0, 0) }
            Self.run(convolution, &ar, &ai, &workspace.scratchReal, &workspace.scratchImaginary)
            for k in 0..<m {
                let (xr, xi) = (ar[k], ai[k]), (yr, yi) = (kernelSpectrum.real[k], kernelSpectrum.imaginary[k])
                // Multiply, and conjugate for the inverse FFT by a forward one.
                ar[k] = xr * yr - xi * yi
                ai[k] = -(xr * yi + xi * yr)
            }
            Self.run(convolution, &ar, &ai, &workspace.scratchReal, &workspace.scratchImaginary)
            let scale = 1 / Double(m)
            for k in 0..<count {
                let (cr, ci) = (ar[k] * scale, -ai[k] * scale)
                real[k] = cr * chirp.real[k] - ci * chirp.imaginary[k]
                imaginary[k] = cr * chirp.imaginary[k] + ci * chirp.real[k]
            }
        }
        if inverse {
            let scale = 1 / Double(count)
            for k in 0..<count {
                real[k] *= scale
                imaginary[k] = -imaginary[k] * scale
            }
        }
    }

    /// Transforms one sequence in place with a workspace of its own.
    func transform(real: inout [Double], imaginary: inout [Double], inverse: Bool) {
        transform(real: &real, imaginary: &imaginary, inverse: inverse, workspace: Workspace(for: self))
    }
}

/// A complex grid (x fastest) and its Fourier transforms along chosen axes.
struct ComplexGrid: Sendable {
    var size: SIMD3<Int>
    var real: [Double]
    var imaginary: [Double]

    init(size: SIMD3<Int>, real: [Double], imaginary: [Double]? = nil) {
        self.size = size
        self.real = real
        self.imaginary = imaginary ?? [Double](repeating: 0, count: real.count)
    }

    /// The transform along each of `axes` (0 = x, 1 = y, 2 = z), line by line; `transforms` holds the transforms
    /// already set up, by length, and gains those this call sets up.
    mutating func transform(axes: [Int], inverse: Bool, transforms: inout [Int: AnyLengthFourierTransform]) {
        for axis in axes {
            let n = size[axis]
            guard n > 1 else { continue }
            let fft = transforms[n] ?? AnyLengthFourierTransform(count: n)
            transforms[n] = fft
            let s = axis == 0 ? 1 : axis == 1 ? size.x : size.x * size.y
            var lr = [Double](repeating: 0, count: n), li = lr
            let workspace = AnyLengthFourierTransform.Workspace(for: fft)
            for line in 0..<(real.count / n) {
                let start: Int
                switch axis {
                case 0: start = line * n
                case 1: start = (line / size.x) * size.x * n + line % size.x
                default: start = line
                }
                for i in 0..<n { (lr[i], li[i]) = (real[start + i * s], imaginary[start + i * s]) }
                fft.transform(real: &lr, imaginary: &li, inverse: inverse, workspace: workspace)
                for i in 0..<n { (real[start + i * s], imaginary[start + i * s]) = (lr[i], li[i]) }
            }
        }
    }

    /// The transform along each of `axes`.
    mutating func transform(axes: [Int], inverse: Bool) {
        var transforms: [Int: AnyLengthFourierTransform] = [:]
        transform(axes: axes, inverse: inverse, transforms: &transforms)
    }
}
