import Foundation
@testable import RadAuditImageIO

/// Builds small Part-10 files in Explicit VR Little Endian for tests: text, binary and sequence elements
/// (sequences and items of undefined length).
enum DICOMTestWriter {
    indirect enum Value {
        case text(String)
        case unsignedShort([UInt16])
        case bytes([UInt8])
        case items([[Element]])
    }

    struct Element {
        var tag: DICOMTag
        var vr: String
        var value: Value

        init(_ tag: DICOMTag, _ vr: String, _ value: Value) {
            self.tag = tag
            self.vr = vr
            self.value = value
        }

        /// A text element; numbers are written as decimal strings.
        init(_ tag: DICOMTag, _ vr: String, _ text: String) {
            self.init(tag, vr, .text(text))
        }
    }

    static func file(sopClassUID: String, _ elements: [Element]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        bytes += encode(Element(.transferSyntaxUID, "UI", "1.2.840.10008.1.2.1"))
        bytes += encode(Element(.sopClassUID, "UI", sopClassUID))
        for element in elements.sorted(by: { $0.tag < $1.tag }) { bytes += encode(element) }
        return bytes
    }

    static func encode(_ element: Element) -> [UInt8] {
        var value: [UInt8]
        switch element.value {
        case .text(let text):
            value = Array(text.utf8)
            if value.count % 2 == 1 { value.append(element.vr == "UI" ? 0 : 0x20) }
        case .unsignedShort(let numbers):
            value = numbers.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .bytes(let raw):
            value = raw + (raw.count % 2 == 1 ? [0] : [])
        case .items(let items):
            var bytes = header(element.tag, "SQ", length: 0xFFFF_FFFF)
            for item in items {
                bytes += tag(.item) + uint32(0xFFFF_FFFF)
                for nested in item.sorted(by: { $0.tag < $1.tag }) { bytes += encode(nested) }
                bytes += tag(.itemDelimitation) + uint32(0)
            }
            return bytes + tag(.sequenceDelimitation) + uint32(0)
        }
        return header(element.tag, element.vr, length: value.count) + value
    }

    private static func header(_ t: DICOMTag, _ vr: String, length: Int) -> [UInt8] {
        let long = ValueRepresentation(Array(vr.utf8)[0], Array(vr.utf8)[1]).hasLongLength
        return tag(t) + Array(vr.utf8) + (long ? [0, 0] + uint32(UInt32(truncatingIfNeeded: length))
                                               : [UInt8(length & 0xFF), UInt8(length >> 8)])
    }

    private static func tag(_ t: DICOMTag) -> [UInt8] {
        [UInt8(t.group & 0xFF), UInt8(t.group >> 8), UInt8(t.element & 0xFF), UInt8(t.element >> 8)]
    }

    private static func uint32(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
