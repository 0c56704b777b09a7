import Foundation

/// A DICOM file (PS3.10): the 128-byte preamble and `DICM` prefix, the file meta information (group 0002, always
/// Explicit VR Little Endian) and the data set in the transfer syntax the meta information names.
///
/// Files without preamble or meta information (as some older systems write) are read when their first element
/// is a plausible group 0002 or 0008 element; their encoding is recognised from the first element.
public struct DICOMFile: Sendable {
    public var path: String
    public var transferSyntax: TransferSyntax
    /// The data set after the file meta information.
    public var dataSet: DICOMDataSet
    /// Whether the data set has a Pixel Data element (also when only the header was read).
    public var hasPixelData: Bool

    /// Reads and parses a file. With `headerOnly`, parsing stops before the top-level Pixel Data element.
    public init(path: String, headerOnly: Bool = false) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageIOError(path, FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        try self.init(bytes: [UInt8](data), path: path, headerOnly: headerOnly)
    }

    /// Parses the bytes of a DICOM file; `path` names it in errors.
    public init(bytes: [UInt8], path: String, headerOnly: Bool = false) throws {
        self.path = path
        var start = 0
        if Self.hasPreamble(bytes) {
            start = 132
        } else {
            guard Self.startsWithDataElement(bytes) else {
                throw ImageIOError(path, "not a DICOM file (no DICM prefix and no recognisable data element)")
            }
        }
        var meta = DICOMElementReader(bytes: bytes, path: path, position: start, explicitVR: true, byteOrder: .little)
        var metaElements = DICOMDataSet()
        while let tag = meta.peekTag(), tag.group == 0x0002 {
            metaElements.elements[tag] = try meta.readElement(limit: bytes.count, depth: 0)
        }
        let syntax = metaElements.string(.transferSyntaxUID).map(TransferSyntax.init(uid:))
        var body = bytes, bodyStart = meta.position
        if syntax?.isDeflated == true {
            body = try RawDeflate.inflate(bytes[bodyStart...], path: path)
            bodyStart = 0
        }
        // Without meta information (or with a syntax contradicted by the data), the first element decides.
        let declared = syntax ?? .implicitVRLittleEndian
        let explicitVR = Self.elementHasExplicitVR(body, at: bodyStart) ?? declared.isExplicitVR
        transferSyntax = syntax ?? (explicitVR ? .explicitVRLittleEndian : .implicitVRLittleEndian)
        var reader = DICOMElementReader(bytes: body, path: path, position: bodyStart, explicitVR: explicitVR,
                                        byteOrder: declared.byteOrder)
        dataSet = try reader.readDataSet(stopAtPixelData: headerOnly)
        hasPixelData = dataSet.contains(.pixelData) || (headerOnly && reader.peekTag() == .pixelData)
    }

    /// The SOP Class UID, e.g. `1.2.840.10008.5.1.4.1.1.2` for CT Image Storage.
    public var sopClassUID: String? { dataSet.string(.sopClassUID) }

    public var modality: String? { dataSet.string(.modality) }

    static func hasPreamble(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 132 && bytes[128..<132].elementsEqual("DICM".utf8)
    }

    /// Whether the bytes start like a data set without preamble: a group 0002 or 0008 element with a small
    /// element number and either a valid explicit VR or a short, even implicit length.
    static func startsWithDataElement(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let group = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        let element = UInt16(bytes[2]) | UInt16(bytes[3]) << 8
        guard group == 0x0002 || group == 0x0008, element < 0x0100 else { return false }
        if ValueRepresentation(bytes[4], bytes[5]).isWellFormed { return true }
        let length = Int(UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24)
        return length < 0x1_0000 && length % 2 == 0
    }

    /// Whether the element at `offset` carries a VR: nil when too few bytes are left to tell.
    private static func elementHasExplicitVR(_ bytes: [UInt8], at offset: Int) -> Bool? {
        guard bytes.count - offset >= 8 else { return nil }
        return ValueRepresentation(bytes[offset + 4], bytes[offset + 5]).isWellFormed
    }
}
