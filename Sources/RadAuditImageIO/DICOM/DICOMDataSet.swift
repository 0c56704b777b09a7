import Foundation

/// Value representation of a DICOM element (PS3.5 §6.2), the two ASCII letters packed big-endian.
struct ValueRepresentation: Hashable, Sendable, ExpressibleByStringLiteral {
    var code: UInt16

    init(_ first: UInt8, _ second: UInt8) {
        code = UInt16(first) << 8 | UInt16(second)
    }

    init(stringLiteral text: StaticString) {
        let p = text.utf8Start
        self.init(p[0], p[1])
    }

    static let ob: ValueRepresentation = "OB", ow: ValueRepresentation = "OW", sq: ValueRepresentation = "SQ"
    static let un: ValueRepresentation = "UN", fd: ValueRepresentation = "FD", fl: ValueRepresentation = "FL"
    static let us: ValueRepresentation = "US", ul: ValueRepresentation = "UL", ss: ValueRepresentation = "SS"
    static let sl: ValueRepresentation = "SL"

    /// Whether both bytes are upper-case letters, as every VR is; a corrupt or implicit stream fails this.
    var isWellFormed: Bool {
        let a = code >> 8, b = code & 0xFF
        return (0x41...0x5A).contains(a) && (0x41...0x5A).contains(b)
    }

    /// Whether an explicit-VR element has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1).
    var hasLongLength: Bool { Self.longLength.contains(self) }

    private static let longLength: Set<ValueRepresentation> = [
        .ob, .ow, .sq, .un, "OD", "OF", "OL", "OV", "SV", "UC", "UR", "UT", "UV",
    ]
}

/// One element's value: raw bytes, a sequence of items, or the fragments of encapsulated pixel data.
enum DICOMValue: Sendable {
    case bytes([UInt8])
    case sequence([DICOMDataSet])
    /// Encapsulated pixel data (PS3.5 §A.4): the basic offset table, then the fragments in order.
    case fragments(offsetTable: [UInt8], fragments: [[UInt8]])
}

struct DICOMElement: Sendable {
    /// The value representation as stored; nil in Implicit VR data sets.
    var vr: ValueRepresentation?
    var value: DICOMValue
}

/// The elements of a DICOM data set (or of one sequence item), with typed accessors.
///
/// Text values are decoded as UTF-8 when valid and as ISO 8859-1 otherwise, with the padding of PS3.5 §6.2
/// (trailing spaces and NULs) removed. Binary numbers are read in the byte order of the transfer syntax.
public struct DICOMDataSet: Sendable {
    var elements: [DICOMTag: DICOMElement] = [:]
    var byteOrder: ByteOrder = .little

    /// The tags present, ascending.
    public var tags: [DICOMTag] { elements.keys.sorted() }

    public func contains(_ tag: DICOMTag) -> Bool { elements[tag] != nil }

    /// The raw value bytes of a non-sequence element.
    func bytes(_ tag: DICOMTag) -> [UInt8]? {
        guard case .bytes(let bytes)? = elements[tag]?.value else { return nil }
        return bytes
    }

    /// A text value with its padding removed; nil when absent or empty.
    public func string(_ tag: DICOMTag) -> String? {
        guard let bytes = bytes(tag) else { return nil }
        let text = Self.trimmed(bytes[...])
        return text.isEmpty ? nil : Self.decodeText(text)
    }

    /// The numbers of a decimal or integer string (DS, IS) or of binary numbers (FD, FL, US, UL, SS, SL) when the
    /// data set records the value representation; empty when absent or when any value is not a number.
    public func numbers(_ tag: DICOMTag) -> [Double] {
        guard let element = elements[tag], case .bytes(let bytes) = element.value else { return [] }
        if let vr = element.vr, let width = Self.binaryWidth[vr] {
            return stride(from: 0, to: bytes.count - width + 1, by: width).map { binaryNumber(bytes, at: $0, vr: vr) }
        }
        guard !Self.trimmed(bytes[...]).isEmpty else { return [] }
        var numbers: [Double] = []
        for text in Self.values(bytes) {
            guard let number = Double(String(decoding: text, as: UTF8.self)) else { return [] }
            numbers.append(number)
        }
        return numbers
    }

    /// The first number of `numbers(tag)`.
    public func number(_ tag: DICOMTag) -> Double? { numbers(tag).first }

    /// An unsigned binary integer (US or UL, chosen by the value length).
    public func unsignedInteger(_ tag: DICOMTag) -> Int? {
        guard let bytes = bytes(tag) else { return nil }
        switch bytes.count {
        case 2: return Int(read(UInt16.self, bytes, at: 0))
        case 4: return Int(read(UInt32.self, bytes, at: 0))
        default: return nil
        }
    }

    /// The items of a sequence; empty when absent or not a sequence.
    public func sequence(_ tag: DICOMTag) -> [DICOMDataSet] {
        switch elements[tag]?.value {
        case .sequence(let items)?: items
        default: []
        }
    }

    /// The first item of a sequence.
    public func item(_ tag: DICOMTag) -> DICOMDataSet? { sequence(tag).first }

    /// NumberOfFrames when present and a positive integer.
    var declaredFrameCount: Int? {
        guard let n = number(.numberOfFrames), n.isFinite, n >= 1, n < 1e9, n == n.rounded() else { return nil }
        return Int(n)
    }

    /// The number of frames of an image: NumberOfFrames, else 1.
    var frameCount: Int { declaredFrameCount ?? 1 }

    private static let binaryWidth: [ValueRepresentation: Int] = [.fd: 8, .fl: 4, .us: 2, .ul: 4, .ss: 2, .sl: 4]

    private func binaryNumber(_ bytes: [UInt8], at offset: Int, vr: ValueRepresentation) -> Double {
        switch vr {
        case .fd: Double(bitPattern: read(UInt64.self, bytes, at: offset))
        case .fl: Double(Float(bitPattern: read(UInt32.self, bytes, at: offset)))
        case .us: Double(read(UInt16.self, bytes, at: offset))
        case .ul: Double(read(UInt32.self, bytes, at: offset))
        case .ss: Double(Int16(bitPattern: read(UInt16.self, bytes, at: offset)))
        default: Double(Int32(bitPattern: read(UInt32.self, bytes, at: offset)))
        }
    }

    private func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        let raw = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        return byteOrder == .little ? T(littleEndian: raw) : T(bigEndian: raw)
    }

    private static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1) ?? ""
    }

    /// The backslash-separated values of a text element, each trimmed of padding.
    private static func values(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\\"), omittingEmptySubsequences: false).map(trimmed)
    }

    /// Without leading spaces and without the trailing spaces and NULs that pad values to an even length.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let space = UInt8(ascii: " ")
        guard let first = bytes.firstIndex(where: { $0 != space }),
              let last = bytes.lastIndex(where: { $0 != space && $0 != 0 }), first <= last else { return [] }
        return bytes[first...last]
    }
}
