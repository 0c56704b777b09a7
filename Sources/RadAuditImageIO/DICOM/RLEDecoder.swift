/// Decoder of the RLE Lossless transfer syntax (PS3.5 Annex G).
///
/// A frame is one fragment: a 64-byte header (the number of segments and up to 15 segment offsets, little-endian
/// 32-bit), then the segments. Each segment holds one byte plane (most significant byte first) of the image,
/// compressed with the PackBits scheme: a header byte `n` in 0...127 copies the next `n + 1` bytes literally, `n` in
/// −127...−1 repeats the next byte `1 − n` times, and −128 is a no-op.
enum RLEDecoder {
    /// The frame's samples as little-endian bytes, `bytesPerSample` per pixel, `pixelCount` pixels.
    static func decode(_ fragment: [UInt8], pixelCount: Int, bytesPerSample: Int, path: String) throws -> [UInt8] {
        guard fragment.count >= 64 else { throw ImageIOError(path, "RLE frame is shorter than its 64-byte header") }
        func header(_ i: Int) -> Int {
            Int(fragment[4 * i]) | Int(fragment[4 * i + 1]) << 8 | Int(fragment[4 * i + 2]) << 16 | Int(fragment[4 * i + 3]) << 24
        }
        let segmentCount = header(0)
        guard segmentCount == bytesPerSample else {
            throw ImageIOError(path, "RLE frame has \(segmentCount) segments; \(bytesPerSample) expected for "
                               + "\(bytesPerSample * 8)-bit single-sample pixels")
        }
        let offsets = (1...segmentCount).map(header) + [fragment.count]
        var output = [UInt8](repeating: 0, count: pixelCount * bytesPerSample)
        try fragment.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { out in
                for segment in 0..<segmentCount {
                    let start = offsets[segment], end = offsets[segment + 1]
                    guard start >= 64, start <= end, end <= input.count else {
                        throw ImageIOError(path, "RLE segment \(segment + 1) has invalid offsets \(start)…\(end)")
                    }
                    // Segment 0 is the most significant byte: it goes to the highest byte of each little-endian sample.
                    let plane = bytesPerSample - 1 - segment
                    let written = unpackBits(input[start..<end], into: out, plane: plane, stride: bytesPerSample,
                                             count: pixelCount)
                    guard written == pixelCount else {
                        throw ImageIOError(path, "RLE segment \(segment + 1) decodes to \(written) bytes; \(pixelCount) expected")
                    }
                }
            }
        }
        return output
    }

    /// Decodes PackBits `input` into `out[plane + stride·i]` for i < `count`; returns the number of bytes written.
    private static func unpackBits(_ input: Slice<UnsafeBufferPointer<UInt8>>, into out: UnsafeMutableBufferPointer<UInt8>,
                                   plane: Int, stride: Int, count: Int) -> Int {
        var written = 0
        var i = input.startIndex
        let end = input.endIndex
        while i < end && written < count {
            let n = Int(Int8(bitPattern: input[i]))
            i += 1
            if n >= 0 {
                let run = min(n + 1, end - i, count - written)
                for k in 0..<run { out[plane &+ stride &* (written &+ k)] = input[i &+ k] }
                i += n + 1
                written += run
            } else if n != -128 {
                guard i < end else { break }
                let value = input[i]
                i += 1
                let run = min(1 - n, count - written)
                for k in 0..<run { out[plane &+ stride &* (written &+ k)] = value }
                written += run
            }
        }
        return written
    }
}
