import RadAuditCore
import Foundation
import RadAuditImageIO

/// The linear convolution `(W ∗ s)(k) = Σₗ W(k − l)·s(l)` of a complex signal `s` on a box of voxels with a
/// real kernel that is even along every axis, `W(±i, ±j, ±k) = W(i, j, k)`, evaluated on the box.
///
/// The box is zero-padded to `P ≥ 2n − 1` points per axis (lengths with prime factors 2, 3 and 5), so
/// that the circular convolution of period `P` equals the linear one on the box, and the convolution is
/// a product in the frequency domain: `W ∗ s = F⁻¹(Ŵ · F(s))`. As `W` is real and even, so is its
/// spectrum `Ŵ`: only the octant of non-negative frequencies (`P/2 + 1` per axis) is computed and kept,
/// from the octant of the kernel, by transforms of even real lines, two lines per complex transform.
///
/// The signal is never held on the whole padded grid. Its transform along `x` is kept for the box's
/// `(y, z)` lines only (`P_x·n_y·n_z` values); each block of `x` frequencies is then transformed along
/// `y`, and along `z` one block of lines at a time, multiplied by `Ŵ` and transformed back, keeping
/// only the box's part at each step. Memory is `2·P_x·n_y·n_z` Doubles (about `4` per box voxel) plus
/// the spectrum octant (about `1` per box voxel) and a small workspace per worker. The blocks of lines
/// of each step are independent and run on the available cores.
struct EvenKernelConvolution: Sendable {
    /// The box.
    let size: GridSize
    /// The zero-padded grid of the circular convolution.
    let padded: GridSize
    /// `P/2 + 1` per axis: the octant of non-negative frequencies.
    private let octant: GridSize
    /// `Ŵ/L` on the octant (`L = P_x·P_y·P_z`, the inverse transform's normalisation), `z` fastest: at
    /// `f_z + o_z·(f_y + o_y·f_x)` for the octant sides `o`, as the lines along `z` use it.
    private let spectrum: [Double]
    private let transforms: (x: FourierTransform, y: FourierTransform, z: FourierTransform)

    /// Lines per block of the transforms along `x` and of the kernel's even lines.
    private static let linesPerBlock = 16
    /// `x` frequencies per block of the transforms along `y` and `z`.
    private static let planesPerBlock = 8
    /// Lines per batch of the transforms along `z`.
    private static let linesPerBatchAlongZ = 32

    /// A convolution on a box of `size` with the kernel `W(i, j, k) = kernel(i, j, k)`, given for the
    /// non-negative offsets `0 ≤ i < size.x`, `0 ≤ j < size.y`, `0 ≤ k < size.z` (the only ones two
    /// voxels of the box can have up to sign).
    init(size: GridSize, kernel: (Int, Int, Int) -> Double) {
        precondition(size.count > 0)
        self.size = size
        padded = GridSize(x: FourierTransform.fastLength(atLeast: 2 * size.x - 1),
                          y: FourierTransform.fastLength(atLeast: 2 * size.y - 1),
                          z: FourierTransform.fastLength(atLeast: 2 * size.z - 1))
        octant = GridSize(x: padded.x / 2 + 1, y: padded.y / 2 + 1, z: padded.z / 2 + 1)
        transforms = (FourierTransform(count: padded.x), FourierTransform(count: padded.y),
                      FourierTransform(count: padded.z))
        // The octant as a grid with z fastest.
        let layout = GridSize(x: octant.z, y: octant.y, z: octant.x)
        var spectrum = [Double](repeating: 0, count: octant.count)
        for i in 0..<size.x {
            for j in 0..<size.y {
                for k in 0..<size.z { spectrum[layout.index(k, j, i)] = kernel(i, j, k) }
            }
        }
        spectrum.withUnsafeMutableBufferPointer { [padded, transforms] values in
            for (axis, transform) in [transforms.z, transforms.y, transforms.x].enumerated() {
                Self.transformEvenLines(values.baseAddress!, along: axis, of: layout, transform: transform)
            }
            let normalisation = 1 / Double(padded.count)
            for f in values.indices { values[f] *= normalisation }
        }
        self.spectrum = spectrum
    }

    /// Replaces the signal `real + i·imaginary` (box order, `x` fastest) by its convolution with the kernel.
    func convolve(real: inout [Double], imaginary: inout [Double]) {
        precondition(real.count == size.count && imaginary.count == size.count)
        let lines = size.y * size.z
        var transformedReal = [Double](repeating: 0, count: padded.x * lines)
        var transformedImaginary = transformedReal
        real.withUnsafeMutableBufferPointer { real in
        imaginary.withUnsafeMutableBufferPointer { imaginary in
        transformedReal.withUnsafeMutableBufferPointer { transformedReal in
        transformedImaginary.withUnsafeMutableBufferPointer { transformedImaginary in
            let signal = (real.baseAddress!, imaginary.baseAddress!)
            let transformed = (transformedReal.baseAddress!, transformedImaginary.baseAddress!)
            transformAlongX(signal, into: transformed)
            convolveAlongYAndZ(transformed)
            transformBackAlongX(transformed, into: signal)
        }
        }
        }
        }
    }

    // MARK: Steps of the convolution

    /// The transform along `x` of every box line `l = j + n_y·k`, zero-padded to `P_x`, written to
    /// `transformed` by blocks of frequencies (see `transformedIndex`).
    private func transformAlongX(_ signal: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                                 into transformed: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) {
        let n = size.x, length = padded.x, lines = size.y * size.z
        let block = Self.linesPerBlock
        Self.forEachBlock((lines + block - 1) / block, workspaceCount: 4 * block * length) { index, workspace in
            let first = index * block, batch = min(block, lines - first)
            let lineReal = workspace, lineImaginary = workspace + batch * length
            for b in 0..<batch {
                let source = (first + b) * n
                for q in 0..<n {
                    lineReal[b + batch * q] = signal.0[source + q]
                    lineImaginary[b + batch * q] = signal.1[source + q]
                }
            }
            (lineReal + batch * n).initialize(repeating: 0, count: batch * (length - n))
            (lineImaginary + batch * n).initialize(repeating: 0, count: batch * (length - n))
            transforms.x.transform(real: lineReal, imaginary: lineImaginary, batch: batch,
                                   scratchReal: workspace + 2 * batch * length,
                                   scratchImaginary: workspace + 3 * batch * length)
            var firstPlane = 0
            while firstPlane < length {
                let planes = min(Self.planesPerBlock, length - firstPlane)
                let target = (transformed.0 + transformedIndex(line: first, frequency: firstPlane),
                              transformed.1 + transformedIndex(line: first, frequency: firstPlane))
                for b in 0..<batch {
                    for f in 0..<planes {
                        target.0[f + planes * b] = lineReal[b + batch * (firstPlane + f)]
                        target.1[f + planes * b] = lineImaginary[b + batch * (firstPlane + f)]
                    }
                }
                firstPlane += planes
            }
        }
    }

    /// Where the transform along `x` keeps frequency `f` of line `l`: by blocks of `planesPerBlock`
    /// frequencies, each block holding all lines, frequency fastest (`f₀·n_y·n_z + l·planes + f − f₀` for
    /// the block from `f₀` of `planes` frequencies).
    private func transformedIndex(line: Int, frequency: Int) -> Int {
        let first = frequency / Self.planesPerBlock * Self.planesPerBlock
        let planes = min(Self.planesPerBlock, padded.x - first)
        return first * size.y * size.z + line * planes + frequency - first
    }

    /// For each block of `x` frequencies: the transform along `y` (zero-padded to `P_y`), then for each batch
    /// of lines along `z`: the transform (zero-padded to `P_z`), the product with the spectrum and the
    /// inverse transform, then the inverse transform along `y`; only the box's `(y, z)` part is kept.
    private func convolveAlongYAndZ(_ transformed: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) {
        let (ny, nz) = (size.y, size.z)
        let (py, pz) = (padded.y, padded.z)
        let lines = ny * nz
        let block = Self.planesPerBlock, zBatch = Self.linesPerBatchAlongZ
        let planeCount = block * py * nz
        let workspaceCount = 2 * planeCount + 2 * block * py + 4 * zBatch * pz
        Self.forEachBlock((padded.x + block - 1) / block, workspaceCount: workspaceCount) { index, workspace in
            let first = index * block, planes = min(block, padded.x - first)
            // The planes, frequency fastest: element (b, j, k) at b + planes·(j + P_y·k).
            let planeReal = workspace, planeImaginary = workspace + planeCount
            let scratchReal = workspace + 2 * planeCount, scratchImaginary = scratchReal + block * py
            let zReal = scratchImaginary + block * py, zImaginary = zReal + zBatch * pz
            let zScratchReal = zImaginary + zBatch * pz, zScratchImaginary = zScratchReal + zBatch * pz
            let row = planes * py
            let block = (transformed.0 + first * lines, transformed.1 + first * lines)
            for k in 0..<nz {
                (planeReal + row * k).update(from: block.0 + planes * ny * k, count: planes * ny)
                (planeImaginary + row * k).update(from: block.1 + planes * ny * k, count: planes * ny)
                (planeReal + row * k + planes * ny).initialize(repeating: 0, count: planes * (py - ny))
                (planeImaginary + row * k + planes * ny).initialize(repeating: 0, count: planes * (py - ny))
                transforms.y.transform(real: planeReal + row * k, imaginary: planeImaginary + row * k,
                                       batch: planes, scratchReal: scratchReal, scratchImaginary: scratchImaginary)
            }
            spectrum.withUnsafeBufferPointer { spectrum in
                var start = 0
                while start < row {
                    let batch = min(zBatch, row - start)
                    for k in 0..<nz {
                        (zReal + batch * k).update(from: planeReal + start + row * k, count: batch)
                        (zImaginary + batch * k).update(from: planeImaginary + start + row * k, count: batch)
                    }
                    (zReal + batch * nz).initialize(repeating: 0, count: batch * (pz - nz))
                    (zImaginary + batch * nz).initialize(repeating: 0, count: batch * (pz - nz))
                    transforms.z.transform(real: zReal, imaginary: zImaginary, batch: batch,
                                           scratchReal: zScratchReal, scratchImaginary: zScratchImaginary)
                    // Line t = b + planes·f_y of the batch meets the spectrum on its line along z at
                    // (min(f_x, P_x − f_x), min(f_y, P_y − f_y)).
                    var (b, fy) = (start % planes, start / planes)
                    for t in 0..<batch {
                        let weights = spectrum.baseAddress!
                            + octant.z * (min(fy, py - fy) + octant.y * min(first + b, padded.x - first - b))
                        for fz in 0..<pz {
                            let w = weights[min(fz, pz - fz)]
                            zReal[t + batch * fz] *= w
                            zImaginary[t + batch * fz] *= w
                        }
                        b += 1
                        if b == planes { (b, fy) = (0, fy + 1) }
                    }
                    transforms.z.transform(real: zImaginary, imaginary: zReal, batch: batch,
                                           scratchReal: zScratchImaginary, scratchImaginary: zScratchReal)
                    for k in 0..<nz {
                        (planeReal + start + row * k).update(from: zReal + batch * k, count: batch)
                        (planeImaginary + start + row * k).update(from: zImaginary + batch * k, count: batch)
                    }
                    start += batch
                }
            }
            for k in 0..<nz {
                transforms.y.transform(real: planeImaginary + row * k, imaginary: planeReal + row * k,
                                       batch: planes, scratchReal: scratchImaginary, scratchImaginary: scratchReal)
                (block.0 + planes * ny * k).update(from: planeReal + row * k, count: planes * ny)
                (block.1 + planes * ny * k).update(from: planeImaginary + row * k, count: planes * ny)
            }
        }
    }

    /// The inverse transform along `x` of every box line, from `transformed` (frequency slowest) back to
    /// the box order of `signal`, keeping the first `n_x` points.
    private func transformBackAlongX(_ transformed: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                                     into signal: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) {
        let n = size.x, length = padded.x, lines = size.y * size.z
        let block = Self.linesPerBlock
        Self.forEachBlock((lines + block - 1) / block, workspaceCount: 4 * block * length) { index, workspace in
            let first = index * block, batch = min(block, lines - first)
            let lineReal = workspace, lineImaginary = workspace + batch * length
            var firstPlane = 0
            while firstPlane < length {
                let planes = min(Self.planesPerBlock, length - firstPlane)
                let source = (transformed.0 + transformedIndex(line: first, frequency: firstPlane),
                              transformed.1 + transformedIndex(line: first, frequency: firstPlane))
                for b in 0..<batch {
                    for f in 0..<planes {
                        lineReal[b + batch * (firstPlane + f)] = source.0[f + planes * b]
                        lineImaginary[b + batch * (firstPlane + f)] = source.1[f + planes * b]
                    }
                }
                firstPlane += planes
            }
            transforms.x.transform(real: lineImaginary, imaginary: lineReal, batch: batch,
                                   scratchReal: workspace + 3 * batch * length,
                                   scratchImaginary: workspace + 2 * batch * length)
            for b in 0..<batch {
                let target = (first + b) * n
                for q in 0..<n {
                    signal.0[target + q] = lineReal[b + batch * q]
                    signal.1[target + q] = lineImaginary[b + batch * q]
                }
            }
        }
    }

    // MARK: Kernel spectrum

    /// Replaces each line along `axis` of the even real octant `values` (of size `octant`) by its transform: the line `v`
    /// is the half `0...P/2` of the even sequence `e(q) = v(min(q, P − q))` of length `P`, whose transform
    /// is real and even, and again given by its half. Two lines share one complex transform, as real
    /// and imaginary part.
    private static func transformEvenLines(_ values: UnsafeMutablePointer<Double>, along axis: Int,
                                           of octant: GridSize, transform: FourierTransform) {
        let half = [octant.x, octant.y, octant.z][axis]
        let length = transform.count
        guard length > 1 else { return }
        let stride = [1, octant.x, octant.x * octant.y][axis]
        let lineCount = octant.count / half
        let (nx, nxy) = (octant.x, octant.x * octant.y)
        // First element of line l; for lines along y and z the x (and y) index varies fastest.
        let lineStart = { (l: Int) -> Int in
            switch axis {
            case 0: l * half
            case 1: l % nx + (l / nx) * nxy
            default: l
            }
        }
        let block = Self.linesPerBlock
        let pairsPerBlock = block / 2
        Self.forEachBlock((lineCount + block - 1) / block, workspaceCount: 4 * pairsPerBlock * length) { index, workspace in
            let first = index * block, pairs = (min(block, lineCount - first) + 1) / 2
            let pairReal = workspace, pairImaginary = workspace + pairs * length
            for b in 0..<pairs {
                let realLine = lineStart(first + 2 * b)
                let imaginaryLine = first + 2 * b + 1 < lineCount ? lineStart(first + 2 * b + 1) : nil
                for q in 0..<length {
                    let position = stride * min(q, length - q)
                    pairReal[b + pairs * q] = values[realLine + position]
                    pairImaginary[b + pairs * q] = imaginaryLine.map { values[$0 + position] } ?? 0
                }
            }
            transform.transform(real: pairReal, imaginary: pairImaginary, batch: pairs,
                                scratchReal: workspace + 2 * pairs * length,
                                scratchImaginary: workspace + 3 * pairs * length)
            for b in 0..<pairs {
                let realLine = lineStart(first + 2 * b)
                for f in 0..<half { values[realLine + stride * f] = pairReal[b + pairs * f] }
                if first + 2 * b + 1 < lineCount {
                    let imaginaryLine = lineStart(first + 2 * b + 1)
                    for f in 0..<half { values[imaginaryLine + stride * f] = pairImaginary[b + pairs * f] }
                }
            }
        }
    }

    // MARK: Parallel blocks

    /// Runs `body(block, workspace)` for every block in `0..<blockCount` on the active processors, each
    /// worker with its own workspace of `workspaceCount` Doubles; a free worker takes the next block.
    /// Blocks must write to disjoint memory. Dispatch runs the workers one after the other when called
    /// from within another `concurrentPerform`.
    private static func forEachBlock(_ blockCount: Int, workspaceCount: Int,
                                     _ body: (Int, UnsafeMutablePointer<Double>) -> Void) {
        let counter = BlockCounter()
        let workers = min(blockCount, ProcessInfo.processInfo.activeProcessorCount)
        withoutActuallyEscaping(body) { body in
            let work = BlockWork(body: body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let workspace = UnsafeMutablePointer<Double>.allocate(capacity: workspaceCount)
                defer { workspace.deallocate() }
                while let block = counter.next(below: blockCount) { work.body(block, workspace) }
            }
        }
    }
}

/// The work on one block of `EvenKernelConvolution.forEachBlock`, shared by its workers: blocks write to
/// disjoint memory.
private struct BlockWork: @unchecked Sendable {
    let body: (Int, UnsafeMutablePointer<Double>) -> Void
}

/// The next block to process, shared by the workers of `EvenKernelConvolution.forEachBlock`.
private final class BlockCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Takes the next block number, or `nil` once `count` blocks were taken.
    func next(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}
