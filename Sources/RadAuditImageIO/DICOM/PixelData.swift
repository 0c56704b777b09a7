import RadAuditCore
/// The grey-scale pixel data of a DICOM image (PS3.3 C.7.6.3, PS3.5 §8): native or RLE-compressed frames,
/// decoded to stored values.
///
/// Stored values are the `BitsStored` bits ending at `HighBit` of each `BitsAllocated`-bit cell, sign-extended when
/// `PixelRepresentation` is 1 (two's complement). `BitsAllocated` 1 (bit-packed, as in binary segmentations), 8, 16
/// and 32 are supported, with one sample per pixel (MONOCHROME1 or MONOCHROME2).
public struct PixelData: Sendable {
    public var rows: Int
    public var columns: Int
    public var frameCount: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var highBit: Int
    public var isSigned: Bool
    private var encoding: Encoding
    private var byteOrder: ByteOrder
    private var path: String

    private enum Encoding {
        case native([UInt8])
        case rle(offsetTable: [UInt8], fragments: [[UInt8]])
    }

    public var pixelsPerFrame: Int { rows * columns }

    /// The voxel type of the stored values.
    public var storedType: VoxelType {
        switch (bitsAllocated, isSigned) {
        case (32, true): .int32
        case (32, false): .uint32
        case (16, true): .int16
        case (16, false): .uint16
        case (8, true): .int8
        default: .uint8
        }
    }

    /// Reads the image pixel description of `file` and checks that its pixel data is present, decodable and long
    /// enough for `Rows × Columns × NumberOfFrames` pixels.
    public init(file: DICOMFile) throws {
        let d = file.dataSet
        path = file.path
        byteOrder = file.transferSyntax.byteOrder
        guard let element = d.elements[.pixelData] else { throw ImageIOError(path, "no pixel data") }
        guard file.transferSyntax.pixelDataIsDecodable else {
            throw ImageIOError(path, "unsupported transfer syntax \(file.transferSyntax) in file \(path); "
                               + "decompress it first (e.g. `gdcmconv --raw` or `dcmdjpeg`)")
        }
        let samples = d.unsignedInteger(.samplesPerPixel) ?? 1
        let photometric = d.string(.photometricInterpretation) ?? "MONOCHROME2"
        guard samples == 1, photometric.hasPrefix("MONOCHROME") else {
            throw ImageIOError(path, "colour pixel data (\(photometric), \(samples) samples per pixel) is not supported; "
                               + "radiomics needs grey-scale images")
        }
        guard let rows = d.unsignedInteger(.rows), let columns = d.unsignedInteger(.columns), rows > 0, columns > 0 else {
            throw ImageIOError(path, "Rows or Columns missing or zero")
        }
        guard d.string(.numberOfFrames) == nil || d.declaredFrameCount != nil else {
            throw ImageIOError(path, "invalid NumberOfFrames \(d.string(.numberOfFrames) ?? "")")
        }
        let frames = d.frameCount
        let bitsAllocated = d.unsignedInteger(.bitsAllocated) ?? 0
        guard [1, 8, 16, 32].contains(bitsAllocated) else {
            throw ImageIOError(path, "BitsAllocated \(bitsAllocated) is not supported (1, 8, 16 or 32)")
        }
        let bitsStored = d.unsignedInteger(.bitsStored) ?? bitsAllocated
        let highBit = d.unsignedInteger(.highBit) ?? bitsStored - 1
        guard bitsStored >= 1, highBit < bitsAllocated, highBit + 1 >= bitsStored else {
            throw ImageIOError(path, "inconsistent BitsStored \(bitsStored) / HighBit \(highBit) / BitsAllocated \(bitsAllocated)")
        }
        _ = try ImageLimits.voxelCount([columns, rows, frames], path: path)
        self.rows = rows
        self.columns = columns
        self.frameCount = frames
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored
        self.highBit = highBit
        let representation = d.unsignedInteger(.pixelRepresentation) ?? 0
        guard representation == 0 || representation == 1 else {
            throw ImageIOError(path, "PixelRepresentation \(representation) is neither 0 (unsigned) nor 1 (signed)")
        }
        self.isSigned = representation == 1
        let spacing = d.numbers(.pixelSpacing)
        if !spacing.isEmpty {
            guard spacing.count == 2, spacing.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ImageIOError(path, "PixelSpacing \(spacing.map { Number.format($0) }.joined(separator: "\\")) is not two positive distances")
            }
        }
        switch element.value {
        case .bytes(let bytes):
            guard file.transferSyntax != .rleLossless else {
                throw ImageIOError(path, "the RLE Lossless transfer syntax needs encapsulated pixel data; this file's is native")
            }
            let needed = (rows * columns * frames * bitsAllocated + 7) / 8
            guard bytes.count >= needed else {
                throw ImageIOError(path, "truncated pixel data: \(rows)×\(columns)×\(frames) pixels of \(bitsAllocated) bits "
                                   + "need \(needed) bytes, the file has \(bytes.count)")
            }
            // PixelData is padded to an even length, nothing more.
            guard bytes.count <= needed + 1 else {
                throw ImageIOError(path, "pixel data of \(bytes.count) bytes, but Rows × Columns × NumberOfFrames × BitsAllocated "
                                   + "(\(rows)×\(columns)×\(frames)×\(bitsAllocated)) needs \(needed): inconsistent header")
            }
            encoding = .native(bytes)
        case .fragments(let offsetTable, let fragments):
            guard file.transferSyntax == .rleLossless else {
                throw ImageIOError(path, "encapsulated pixel data in the uncompressed \(file.transferSyntax)")
            }
            guard bitsAllocated >= 8 else { throw ImageIOError(path, "RLE pixel data with BitsAllocated \(bitsAllocated)") }
            encoding = .rle(offsetTable: offsetTable, fragments: fragments)
        case .sequence:
            throw ImageIOError(path, "corrupt DICOM data: Pixel Data holds a sequence")
        }
    }

    /// The stored values of one frame, row by row.
    public func storedValues(frame: Int) throws -> [Double] {
        var values = [Double](repeating: 0, count: pixelsPerFrame)
        try values.withUnsafeMutableBufferPointer { try decode(frame: frame, into: $0, slope: 1, intercept: 0) }
        return values
    }

    /// Writes `slope · stored + intercept` for each pixel of `frame` into `out` (`pixelsPerFrame` values).
    func decode(frame: Int, into out: UnsafeMutableBufferPointer<Double>, slope: Double, intercept: Double) throws {
        precondition(frame >= 0 && frame < frameCount && out.count >= pixelsPerFrame)
        switch encoding {
        case .native(let bytes):
            if bitsAllocated == 1 {
                bytes.withUnsafeBufferPointer { unpackBits($0, firstBit: frame * pixelsPerFrame, into: out, slope: slope, intercept: intercept) }
            } else {
                let frameBytes = pixelsPerFrame * bitsAllocated / 8
                bytes.withUnsafeBytes { raw in
                    convert(UnsafeRawBufferPointer(rebasing: raw[frame * frameBytes ..< (frame + 1) * frameBytes]),
                            order: byteOrder, into: out, slope: slope, intercept: intercept)
                }
            }
        case .rle(let offsetTable, let fragments):
            let fragment = try frameFragment(frame, offsetTable: offsetTable, fragments: fragments)
            let decoded = try RLEDecoder.decode(fragment, pixelCount: pixelsPerFrame, bytesPerSample: bitsAllocated / 8,
                                                path: path)
            decoded.withUnsafeBytes { convert($0, order: .little, into: out, slope: slope, intercept: intercept) }
        }
    }

    /// The compressed bytes of one frame: all fragments for a single frame, else located by the basic offset table,
    /// else one fragment per frame.
    private func frameFragment(_ frame: Int, offsetTable: [UInt8], fragments: [[UInt8]]) throws -> [UInt8] {
        if frameCount == 1 { return Array(fragments.joined()) }
        if offsetTable.count >= 4 * frameCount {
            func offset(_ f: Int) -> Int {
                (0..<4).reduce(0) { $0 | Int(offsetTable[4 * f + $1]) << (8 * $1) }
            }
            let start = offset(frame), end = frame + 1 < frameCount ? offset(frame + 1) : Int.max
            var position = 0
            var bytes: [UInt8] = []
            for fragment in fragments {
                if position >= start && position < end { bytes += fragment }
                position += 8 + fragment.count
            }
            guard !bytes.isEmpty else { throw ImageIOError(path, "no RLE fragment at offset \(start) for frame \(frame + 1)") }
            return bytes
        }
        guard fragments.count == frameCount else {
            throw ImageIOError(path, "\(fragments.count) RLE fragments for \(frameCount) frames and no offset table")
        }
        return fragments[frame]
    }

    /// Stored values from `BitsAllocated`-bit cells in `order`.
    private func convert(_ raw: UnsafeRawBufferPointer, order: ByteOrder, into out: UnsafeMutableBufferPointer<Double>,
                         slope: Double, intercept: Double) {
        let count = pixelsPerFrame
        let shift = highBit + 1 - bitsStored
        let mask = bitsStored >= 32 ? Int(UInt32.max) : (1 << bitsStored) - 1
        let signBit = 1 << (bitsStored - 1)
        let swap = order != ByteOrder.host
        let signed = isSigned
        @inline(__always) func store(_ cell: Int, at i: Int) {
            var value = (cell >> shift) & mask
            if signed && value & signBit != 0 { value -= mask + 1 }
            out[i] = Double(value) * slope + intercept
        }
        switch bitsAllocated {
        case 8:
            for i in 0..<count { store(Int(raw[i]), at: i) }
        case 16:
            for i in 0..<count {
                let cell = raw.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
                store(Int(swap ? cell.byteSwapped : cell), at: i)
            }
        default:
            for i in 0..<count {
                let cell = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
                store(Int(swap ? cell.byteSwapped : cell), at: i)
            }
        }
    }

    /// Bit-packed single-bit pixels (least significant bit first, frames not padded to byte boundaries).
    private func unpackBits(_ bytes: UnsafeBufferPointer<UInt8>, firstBit: Int, into out: UnsafeMutableBufferPointer<Double>,
                            slope: Double, intercept: Double) {
        for i in 0..<pixelsPerFrame {
            let bit = firstBit &+ i
            out[i] = Double((bytes[bit >> 3] >> UInt8(bit & 7)) & 1) * slope + intercept
        }
    }
}
