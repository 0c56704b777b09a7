/// Parses a stream of DICOM data elements (PS3.5 §7): explicit or implicit VR, either byte order, sequences and
/// items of defined or undefined length, and encapsulated pixel data.
///
/// Every length is checked against the bytes left before it is used, and sequences nest at most
/// `maximumDepth` deep, so corrupt input ends in an `ImageIOError`, never in a trap or runaway recursion.
struct DICOMElementReader {
    let bytes: [UInt8]
    let path: String
    var position: Int
    var explicitVR: Bool
    let byteOrder: ByteOrder

    static let undefinedLength = 0xFFFF_FFFF
    static let maximumDepth = 32

    init(bytes: [UInt8], path: String, position: Int = 0, explicitVR: Bool, byteOrder: ByteOrder) {
        self.bytes = bytes
        self.path = path
        self.position = position
        self.explicitVR = explicitVR
        self.byteOrder = byteOrder
    }

    var remaining: Int { bytes.count - position }

    /// The tag at the current position, without consuming it.
    func peekTag() -> DICOMTag? {
        guard remaining >= 4 else { return nil }
        return DICOMTag(uint16(at: position), uint16(at: position + 2))
    }

    /// Reads elements up to `end` (a defined-length item or the end of the stream) or, when `end` is nil, up to
    /// an item delimitation item. With `stopAtPixelData`, stops before a top-level Pixel Data element.
    mutating func readDataSet(end: Int? = nil, depth: Int = 0, stopAtPixelData: Bool = false) throws -> DICOMDataSet {
        var dataSet = DICOMDataSet(byteOrder: byteOrder)
        let limit = end ?? bytes.count
        while position < limit {
            // Trailing zero padding after the last element is tolerated at the top level.
            if end == nil && depth == 0 && bytes[position...].allSatisfy({ $0 == 0 }) { break }
            guard limit - position >= 8 else { throw truncated("an element header") }
            let tag = DICOMTag(uint16(at: position), uint16(at: position + 2))
            if tag == .itemDelimitation {
                guard depth > 0, end == nil else { throw corrupt("item delimitation outside an undefined-length item") }
                position += 8
                return dataSet
            }
            if stopAtPixelData && depth == 0 && tag == .pixelData { return dataSet }
            dataSet.elements[tag] = try readElement(limit: limit, depth: depth)
        }
        if end == nil && depth > 0 { throw truncated("an undefined-length item (no item delimitation)") }
        guard position == limit else { throw corrupt("an element runs past the end of its item") }
        return dataSet
    }

    /// Reads the element at the current position (its tag already peeked), whose value must end by `limit`.
    mutating func readElement(limit: Int, depth: Int) throws -> DICOMElement {
        guard limit - position >= 8 else { throw truncated("an element header") }
        let tag = DICOMTag(uint16(at: position), uint16(at: position + 2))
        let (vr, length) = try readHeader()
        return DICOMElement(vr: vr, value: try readValue(tag: tag, vr: vr, length: length, limit: limit, depth: depth))
    }

    /// The VR (explicit syntaxes) and value length of the element at the current position.
    private mutating func readHeader() throws -> (ValueRepresentation?, Int) {
        position += 4
        guard explicitVR else {
            defer { position += 4 }
            return (nil, Int(uint32(at: position)))
        }
        let vr = ValueRepresentation(bytes[position], bytes[position + 1])
        guard vr.isWellFormed else {
            throw corrupt("invalid value representation at byte \(position)")
        }
        if vr.hasLongLength {
            guard remaining >= 8 else { throw truncated("an element header") }
            defer { position += 8 }
            return (vr, Int(uint32(at: position + 4)))
        }
        defer { position += 4 }
        return (vr, Int(uint16(at: position + 2)))
    }

    private mutating func readValue(tag: DICOMTag, vr: ValueRepresentation?, length: Int, limit: Int,
                                    depth: Int) throws -> DICOMValue {
        if length == Self.undefinedLength {
            if tag == .pixelData && vr != .sq { return try readFragments() }
            guard depth < Self.maximumDepth else { throw corrupt("sequences nested more than \(Self.maximumDepth) deep") }
            if vr == .un {
                // An undefined-length UN element is a sequence in Implicit VR Little Endian (PS3.5 §6.2.2).
                var nested = DICOMElementReader(bytes: bytes, path: path, position: position, explicitVR: false,
                                                byteOrder: .little)
                let items = try nested.readSequence(end: nil, depth: depth + 1)
                position = nested.position
                return .sequence(items)
            }
            return .sequence(try readSequence(end: nil, depth: depth + 1))
        }
        guard length <= limit - position else {
            throw truncated("element \(tag) of \(length) bytes at byte \(position)")
        }
        let end = position + length
        if vr == .sq {
            guard depth < Self.maximumDepth else { throw corrupt("sequences nested more than \(Self.maximumDepth) deep") }
            return .sequence(try readSequence(end: end, depth: depth + 1))
        }
        if vr == nil, depth < Self.maximumDepth, startsWithItem(length: length) {
            // Implicit VR carries no "SQ": a value made of items is taken as a sequence when it parses as one.
            var trial = self
            if let items = try? trial.readSequence(end: end, depth: depth + 1) {
                position = end
                return .sequence(items)
            }
        }
        defer { position = end }
        return .bytes(Array(bytes[position..<end]))
    }

    private func startsWithItem(length: Int) -> Bool {
        length >= 8 && DICOMTag(uint16(at: position), uint16(at: position + 2)) == .item
    }

    /// Items up to `end`, or up to the sequence delimitation item when `end` is nil.
    private mutating func readSequence(end: Int?, depth: Int) throws -> [DICOMDataSet] {
        var items: [DICOMDataSet] = []
        while end.map({ position < $0 }) ?? true {
            guard (end ?? bytes.count) - position >= 8 else { throw truncated("a sequence item header") }
            let tag = DICOMTag(uint16(at: position), uint16(at: position + 2))
            let length = Int(uint32(at: position + 4))
            position += 8
            if tag == .sequenceDelimitation {
                guard end == nil else { throw corrupt("sequence delimitation inside a defined-length sequence") }
                return items
            }
            guard tag == .item else { throw corrupt("expected a sequence item at byte \(position - 8), found \(tag)") }
            if length == Self.undefinedLength {
                items.append(try readDataSet(end: nil, depth: depth))
            } else {
                guard length <= (end ?? bytes.count) - position else { throw truncated("a sequence item of \(length) bytes") }
                items.append(try readDataSet(end: position + length, depth: depth))
            }
        }
        if end == nil { throw truncated("an undefined-length sequence (no sequence delimitation)") }
        guard position == end else { throw corrupt("a sequence item runs past the end of its sequence") }
        return items
    }

    /// The basic offset table and fragments of encapsulated pixel data, up to the sequence delimitation item.
    private mutating func readFragments() throws -> DICOMValue {
        var offsetTable: [UInt8]?
        var fragments: [[UInt8]] = []
        while true {
            guard remaining >= 8 else { throw truncated("encapsulated pixel data") }
            let tag = DICOMTag(uint16(at: position), uint16(at: position + 2))
            let length = Int(uint32(at: position + 4))
            position += 8
            if tag == .sequenceDelimitation { break }
            guard tag == .item else { throw corrupt("expected a pixel data fragment at byte \(position - 8), found \(tag)") }
            guard length <= remaining else { throw truncated("a pixel data fragment of \(length) bytes") }
            let fragment = Array(bytes[position..<position + length])
            position += length
            if offsetTable == nil { offsetTable = fragment } else { fragments.append(fragment) }
        }
        return .fragments(offsetTable: offsetTable ?? [], fragments: fragments)
    }

    func uint16(at offset: Int) -> UInt16 {
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return byteOrder == .little ? a | b << 8 : a << 8 | b
    }

    func uint32(at offset: Int) -> UInt32 {
        let a = UInt32(uint16(at: offset)), b = UInt32(uint16(at: offset + 2))
        return byteOrder == .little ? a | b << 16 : a << 16 | b
    }

    private func truncated(_ what: String) -> ImageIOError {
        ImageIOError(path, "truncated DICOM file: \(what) ends after the end of the data")
    }

    private func corrupt(_ what: String) -> ImageIOError {
        ImageIOError(path, "corrupt DICOM data: \(what)")
    }
}
