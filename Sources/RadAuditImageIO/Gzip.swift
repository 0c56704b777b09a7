import CZlib
import Foundation

/// gzip (RFC 1952) decompression through zlib, for `.nii.gz` files and gzip-encoded NRRD data.
public enum Gzip {
    /// Whether `data` starts with the gzip magic number.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Inflates every member of a gzip stream (zlib streams are accepted too).
    ///
    /// - Parameter sizeHint: the expected decompressed size, when known, to allocate once.
    /// - Throws: `ImageIOError` naming `path` when the stream is corrupt or truncated.
    public static func decompress(_ data: Data, path: String, sizeHint: Int? = nil) throws -> Data {
        // Inflate straight into one buffer sized from the hint or the ISIZE trailer; grow only when it is short.
        var capacity = min(max(sizeHint ?? trailerSize(data) ?? data.count * 4, 1024), 1 << 34)
        var output = Data(count: capacity)
        var produced = 0
        var stream = z_stream()
        guard czlib_inflateInit2(&stream, 15 + 32) == Z_OK else {
            throw ImageIOError(path, "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else {
                throw ImageIOError(path, "empty gzip stream")
            }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            while true {
                if produced == capacity {
                    capacity *= 2
                    output.count = capacity
                }
                let room = min(capacity - produced, Int(UInt32.max))
                let status: Int32 = output.withUnsafeMutableBytes { buffer in
                    stream.next_out = buffer.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(room)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let written = room - Int(stream.avail_out)
                produced += written
                switch status {
                case Z_STREAM_END:
                    // Concatenated gzip members: continue with the next one, ignore trailing zero padding.
                    if stream.avail_in == 0 || isZeroPadding(stream.next_in, Int(stream.avail_in)) { return }
                    guard inflateReset(&stream) == Z_OK else { throw ImageIOError(path, "corrupt gzip stream") }
                case Z_OK:
                    if stream.avail_in == 0 && written == 0 {
                        throw ImageIOError(path, "truncated gzip stream (ends before the end of the compressed data)")
                    }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 || produced < capacity {
                        throw ImageIOError(path, "truncated gzip stream (ends before the end of the compressed data)")
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw ImageIOError(path, "corrupt gzip stream (\(message))")
                }
            }
        }
        output.count = produced
        return output
    }

    /// Compresses `data` as a single gzip member at the default level.
    public static func compress(_ data: Data, path: String) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ImageIOError(path, "zlib could not be initialised")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(bound)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw ImageIOError(path, "gzip compression failed (\(status))") }
        return Data(output[0..<Int(stream.total_out)])
    }

    /// The ISIZE trailer (uncompressed size modulo 2³²) of a single-member gzip stream.
    private static func trailerSize(_ data: Data) -> Int? {
        guard isCompressed(data), data.count >= 18 else { return nil }
        let t = data.index(data.endIndex, offsetBy: -4)
        let size = Int(data[t]) | Int(data[t + 1]) << 8 | Int(data[t + 2]) << 16 | Int(data[t + 3]) << 24
        return size > 0 ? size : nil
    }

    private static func isZeroPadding(_ pointer: UnsafeMutablePointer<Bytef>?, _ count: Int) -> Bool {
        guard let pointer else { return true }
        for i in 0..<count where pointer[i] != 0 { return false }
        return true
    }
}
