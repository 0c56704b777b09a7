import CLibDeflate
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
        let inflater = try GzipInflater(data, path: path)
        var output = Data(count: min(max(sizeHint ?? trailerSize(data) ?? data.count * 4, 1024), 1 << 34))
        var produced = 0
        while !inflater.isFinished {
            if produced == output.count { output.count *= 2 }
            produced += try output.withUnsafeMutableBytes { try inflater.inflate(into: UnsafeMutableRawBufferPointer(rebasing: $0[produced...])) }
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
    static func trailerSize(_ data: Data) -> Int? {
        guard isCompressed(data), data.count >= 18 else { return nil }
        let t = data.index(data.endIndex, offsetBy: -4)
        let size = Int(data[t]) | Int(data[t + 1]) << 8 | Int(data[t + 2]) << 16 | Int(data[t + 3]) << 24
        return size > 0 ? size : nil
    }
}

/// An incremental gzip (RFC 1952) or zlib inflater over a compressed buffer, or (`raw`) a raw deflate (RFC 1951)
/// one: each call fills the given output buffer (or what remains of the stream). Concatenated gzip members are
/// inflated in turn and trailing zero padding is ignored; zlib checks each member's CRC-32 and length at its end,
/// so a stream read to its end is verified. A raw stream ends at its last block, whatever follows.
final class GzipInflater {
    private let input: Data
    private let path: String
    private let isRawDeflate: Bool
    /// The compressed gzip stream, for ``WholeGzip`` (nil for a raw deflate stream).
    var gzipInput: Data? { isRawDeflate ? nil : input }
    /// What the messages call the stream.
    private var kind: String { isRawDeflate ? "deflate stream" : "gzip stream" }
    /// zlib keeps a pointer to the stream in its state: the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var consumed = 0
    /// Whether the last member has ended.
    private(set) var isFinished = false
    /// Bytes inflated so far, including those written by a call that then failed.
    private(set) var produced = 0

    init(_ input: Data, path: String, raw: Bool = false) throws {
        self.input = input
        self.path = path
        self.isRawDeflate = raw
        // Set up before the last property is stored: if zlib fails, deinit does not run on a half-made stream.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Window bits: 15 with automatic gzip/zlib header detection (+32), or negative for a raw stream.
        guard czlib_inflateInit2(stream, isRawDeflate ? -15 : 15 + 32) == Z_OK else {
            stream.deallocate()
            throw ImageIOError(path, "zlib could not be initialised")
        }
        self.stream = stream
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// At most how many bytes the unread input can inflate to (deflate expands at most 1032:1).
    var maximumRemainingOutput: Int { (input.count - consumed + 1) * 1033 }

    /// Inflates up to `count` bytes (fewer when the stream ends first).
    func inflatePrefix(_ count: Int) throws -> Data {
        var head = Data(count: count)
        let produced = try head.withUnsafeMutableBytes { try inflate(into: $0) }
        head.count = produced
        return head
    }

    /// Inflates the rest of the stream into a scratch buffer, checking it to its end; returns how many bytes it held.
    @discardableResult
    func finish() throws -> Int {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { scratch.deallocate() }
        var total = 0
        while !isFinished { total += try inflate(into: scratch) }
        return total
    }

    /// Inflates into `output`, filling it unless the stream ends first; returns the number of bytes written.
    ///
    /// - Throws: `ImageIOError` naming the file when the stream is corrupt or truncated.
    func inflate(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        try input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.bindMemory(to: Bytef.self).baseAddress else {
                throw ImageIOError(path, "empty \(kind)")
            }
            while !isFinished && written < output.count {
                let available = min(raw.count - consumed, Int(UInt32.max))
                let room = min(output.count - written, Int(UInt32.max))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.pointee.avail_in = uInt(available)
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self) + written
                stream.pointee.avail_out = uInt(room)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                consumed += available - Int(stream.pointee.avail_in)
                let produced = room - Int(stream.pointee.avail_out)
                written += produced
                self.produced += produced
                switch status {
                case Z_STREAM_END:
                    // Concatenated gzip members: continue with the next one, ignore trailing zero padding.
                    if isRawDeflate || consumed == raw.count || raw[consumed...].allSatisfy({ $0 == 0 }) {
                        isFinished = true
                    } else if inflateReset(stream) != Z_OK {
                        throw ImageIOError(path, "corrupt \(kind)")
                    }
                case Z_OK, Z_BUF_ERROR:
                    if consumed == raw.count && produced == 0 {
                        throw ImageIOError(path, "truncated \(kind) (ends before the end of the compressed data)")
                    }
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw ImageIOError(path, "corrupt \(kind) (\(message))")
                }
            }
        }
        return written
    }
}

/// Whole-buffer inflation of a gzip stream by libdeflate, about twice as fast as zlib's streaming inflate: for the
/// usual single-member file whose ISIZE trailer gives its length. libdeflate checks the member's CRC-32 and length.
/// Anything else (several members, a stream of 4 GiB or more, corrupt data) is left to zlib, which streams it and
/// names what is wrong.
enum WholeGzip {
    /// Inflates `input` into `buffer` (exactly the stream's length); false when libdeflate cannot take the stream.
    static func inflate(_ input: Data, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let result = input.withUnsafeBytes { raw in
            libdeflate_gzip_decompress_ex(decompressor, raw.baseAddress, raw.count, buffer.baseAddress, buffer.count,
                                          &consumed, &produced)
        }
        guard result == LIBDEFLATE_SUCCESS, produced == buffer.count else { return false }
        // Only zero padding may follow the member; another member goes to zlib.
        return input[(input.startIndex + consumed)...].allSatisfy { $0 == 0 }
    }
}
