import CZlib

/// Raw deflate (RFC 1951, no zlib or gzip wrapper) decompression, for the Deflated Explicit VR Little Endian
/// transfer syntax (PS3.5 §A.5).
enum RawDeflate {
    /// Largest inflated data set accepted, against decompression bombs.
    static let maximumSize = 1 << 33

    static func inflate(_ input: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        // Negative window bits select a raw deflate stream.
        guard czlib_inflateInit2(&stream, -15) == Z_OK else { throw ImageIOError(path, "zlib could not be initialised") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: chunk[0..<(chunkSize - Int(stream.avail_out))])
                guard output.count <= maximumSize else {
                    throw ImageIOError(path, "deflated DICOM data set inflates to more than \(maximumSize >> 30) GiB; refusing it")
                }
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK where stream.avail_in > 0 || stream.avail_out == 0:
                    continue
                case Z_OK, Z_BUF_ERROR:
                    throw ImageIOError(path, "truncated deflated DICOM data set")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw ImageIOError(path, "corrupt deflated DICOM data set (\(message))")
                }
            }
        }
        return output
    }
}
