/// How a DICOM data set is encoded (PS3.5 §10): element encoding, byte order, and pixel data compression.
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    public var uid: String

    public init(uid: String) {
        self.uid = uid
    }

    static let implicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2")
    static let explicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1")
    static let deflatedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.99")
    static let explicitVRBigEndian = TransferSyntax(uid: "1.2.840.10008.1.2.2")
    static let rleLossless = TransferSyntax(uid: "1.2.840.10008.1.2.5")

    /// Registered names of the transfer syntaxes met in practice (PS3.6 Table A-1).
    private static let names: [String: String] = [
        "1.2.840.10008.1.2": "Implicit VR Little Endian",
        "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
        "1.2.840.10008.1.2.1.98": "Encapsulated Uncompressed Explicit VR Little Endian",
        "1.2.840.10008.1.2.1.99": "Deflated Explicit VR Little Endian",
        "1.2.840.10008.1.2.2": "Explicit VR Big Endian",
        "1.2.840.10008.1.2.4.50": "JPEG Baseline (Process 1)",
        "1.2.840.10008.1.2.4.51": "JPEG Extended (Process 2 & 4)",
        "1.2.840.10008.1.2.4.57": "JPEG Lossless, Non-Hierarchical (Process 14)",
        "1.2.840.10008.1.2.4.70": "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)",
        "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81": "JPEG-LS Lossy (Near-Lossless)",
        "1.2.840.10008.1.2.4.90": "JPEG 2000 Image Compression (Lossless Only)",
        "1.2.840.10008.1.2.4.91": "JPEG 2000 Image Compression",
        "1.2.840.10008.1.2.4.92": "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)",
        "1.2.840.10008.1.2.4.93": "JPEG 2000 Part 2 Multi-component Image Compression",
        "1.2.840.10008.1.2.4.201": "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
        "1.2.840.10008.1.2.4.202": "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)",
        "1.2.840.10008.1.2.4.203": "High-Throughput JPEG 2000 Image Compression",
        "1.2.840.10008.1.2.5": "RLE Lossless",
    ]

    /// The registered name, when the UID is one of the common transfer syntaxes.
    public var name: String? { Self.names[uid] }

    /// The registered name and UID, e.g. `JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)`.
    public var description: String {
        name.map { "\($0) (\(uid))" } ?? uid
    }

    /// Whether elements carry their value representation; only Implicit VR Little Endian does not. Every syntax
    /// other than Implicit VR Little Endian and Explicit VR Big Endian encodes the data set as Explicit VR
    /// Little Endian (PS3.5 §A.4), so unknown syntaxes can still be parsed up to their pixel data.
    var isExplicitVR: Bool { self != .implicitVRLittleEndian }

    var byteOrder: ByteOrder { self == .explicitVRBigEndian ? .big : .little }

    /// Whether the data set after the file meta information is a raw deflate stream.
    var isDeflated: Bool { self == .deflatedExplicitVRLittleEndian }

    /// Whether RadAudit can decode pixel data in this syntax: native (uncompressed) pixel data and RLE Lossless.
    var pixelDataIsDecodable: Bool {
        [.implicitVRLittleEndian, .explicitVRLittleEndian, .deflatedExplicitVRLittleEndian, .explicitVRBigEndian,
         .rleLossless].contains(self)
    }
}
