import Foundation

/// Raw deflate (RFC 1951, no zlib or gzip wrapper) decompression, for the Deflated Explicit VR Little Endian
/// transfer syntax (PS3.5 §A.5).
enum RawDeflate {
    /// Largest inflated data set accepted, against decompression bombs.
    static let maximumSize = 1 << 33

    static func inflate(_ input: ArraySlice<UInt8>, path: String) throws -> [UInt8] {
        let inflater = try GzipInflater(Data(input), path: path, raw: true)
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        while !inflater.isFinished {
            let count = try chunk.withUnsafeMutableBytes { try inflater.inflate(into: $0) }
            output += chunk[..<count]
            guard output.count <= maximumSize else {
                throw ImageIOError(path, "deflated DICOM data set inflates to more than \(maximumSize >> 30) GiB; refusing it")
            }
        }
        return output
    }
}
