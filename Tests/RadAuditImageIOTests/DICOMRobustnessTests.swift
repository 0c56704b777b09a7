import Foundation
import Testing
@testable import RadAuditImageIO

/// SplitMix64: a small deterministic generator, so every run feeds the same corrupt inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let fuzzSamples = PixelChecksum.all.map(\.file) + [
    "pydicom_test_files/rtstruct.dcm", "ct_phantom/image/DCM_IMG_00000.dcm",
]

/// Parses `bytes` and, when that succeeds, decodes every frame and builds the slice geometry: whatever happens
/// must be a thrown error or a result, never a trap.
func exerciseReader(_ bytes: [UInt8]) {
    guard let file = try? DICOMFile(bytes: bytes, path: "fuzz.dcm") else { return }
    _ = AcquisitionMetadata(file.dataSet)
    guard let pixels = try? PixelData(file: file) else { return }
    let frames = ImageFrame.frames(of: file.dataSet, frameCount: pixels.frameCount)
    for frame in frames.prefix(2) { _ = try? pixels.storedValues(frame: frame.frame) }
    let slices = frames.map {
        SliceStack.Slice(plane: $0.plane, pixelSpacing: file.dataSet.numbers(.pixelSpacing), sliceSpacing: $0.sliceSpacing,
                         instanceNumber: 0, label: "frame \($0.frame)")
    }
    _ = try? SliceStack(slices, columns: pixels.columns, rows: pixels.rows, path: "fuzz.dcm")
}

@Test(arguments: fuzzSamples)
func truncatedCopiesNeverCrash(_ sample: String) throws {
    let bytes = [UInt8](try Data(contentsOf: dicomFixtures.appendingPathComponent(sample)))
    var lengths = Set(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 64)))
    lengths.formUnion(0..<min(bytes.count, 400))
    for length in lengths.sorted() {
        let truncated = Array(bytes[0..<length])
        exerciseReader(truncated)
        // An image cut anywhere before its trailing padding has lost pixel data: that must be reported.
        if !sample.contains("rtstruct"), bytes.count - length > 256 {
            #expect(throws: ImageIOError.self, "\(sample) cut at \(length)") {
                try PixelData(file: DICOMFile(bytes: truncated, path: "fuzz.dcm"))
            }
        }
    }
}

@Test(arguments: fuzzSamples)
func bitFlippedCopiesNeverCrash(_ sample: String) throws {
    let bytes = [UInt8](try Data(contentsOf: dicomFixtures.appendingPathComponent(sample)))
    var generator = SplitMix64(state: UInt64(bytes.count))
    // Most flips land in the first 2 KiB, where the structure (tags, lengths, VRs, geometry) is.
    for _ in 0..<200 {
        var copy = bytes
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            let region = Bool.random(using: &generator) ? min(copy.count, 2048) : copy.count
            let index = Int.random(in: 0..<region, using: &generator)
            copy[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
        }
        exerciseReader(copy)
    }
}

@Test func notDICOMIsRefused() {
    #expect(throws: ImageIOError.self) { try DICOMFile(bytes: Array("hello, world, this is plain text".utf8), path: "x") }
    #expect(throws: ImageIOError.self) { try DICOMFile(bytes: [], path: "x") }
}

/// CT_small (Explicit VR Little Endian) with the transfer syntax UID replaced by a 22-character `uid`, and the
/// offset of the data set after the meta information.
func ctSmallRelabelled(_ uid: String) throws -> (bytes: [UInt8], dataSetStart: Int) {
    var bytes = [UInt8](try Data(contentsOf: dicomFixtures.appendingPathComponent("pydicom_test_files/CT_small.dcm")))
    let explicitLE = Array("1.2.840.10008.1.2.1\0".utf8)
    let replacement = Array(uid.utf8)
    precondition(replacement.count == explicitLE.count + 2)
    let at = try #require(bytes.firstRange(of: explicitLE))
    // Replace the UID and widen its length field by 2 (the meta group length is not checked).
    bytes.replaceSubrange(at, with: replacement)
    bytes[at.lowerBound - 2] += 2
    var reader = DICOMElementReader(bytes: bytes, path: "", position: 132, explicitVR: true, byteOrder: .little)
    while let tag = reader.peekTag(), tag.group == 2 { _ = try reader.readElement(limit: bytes.count, depth: 0) }
    return (bytes, reader.position)
}

@Test func deflatedDataSetIsInflated() throws {
    let original = try ImageFile.read(dicomFixtures.appendingPathComponent("pydicom_test_files/CT_small.dcm").path)
    let (bytes, start) = try ctSmallRelabelled("1.2.840.10008.1.2.1.99")
    // A gzip member is a 10-byte header, the raw deflate stream and an 8-byte trailer.
    let gzip = [UInt8](try Gzip.compress(Data(bytes[start...]), path: ""))
    let deflated = Array(bytes[..<start]) + gzip[10..<(gzip.count - 8)]
    let path = temporaryPath("deflated.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(deflated).write(to: URL(fileURLWithPath: path))
    let image = try ImageFile.read(path)
    #expect(image.voxels == original.voxels)
    #expect(image.geometry == original.geometry)
    #expect(throws: ImageIOError.self) { try DICOMFile(bytes: Array(deflated.dropLast(100)), path: "cut.dcm") }
}

@Test func jpegTransferSyntaxIsAClearError() throws {
    // CT_small relabelled JPEG Lossless: the data set parses, the pixel data is refused by name (the pixel data
    // is not re-encoded, so only the message is tested).
    let (bytes, _) = try ctSmallRelabelled("1.2.840.10008.1.2.4.70")
    let file = try DICOMFile(bytes: bytes, path: "CT_jpeg.dcm")
    #expect(file.transferSyntax.uid == "1.2.840.10008.1.2.4.70")
    #expect {
        try PixelData(file: file)
    } throws: { error in
        "\(error)".contains("unsupported transfer syntax JPEG Lossless") && "\(error)".contains("CT_jpeg.dcm")
    }
}

@Test func truncatedSliceInASeriesIsNamed() throws {
    let files = try dicomFiles(in: ct5NSeries)
    let path = try directory(with: files)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let victim = path + "/" + URL(fileURLWithPath: files[2]).lastPathComponent
    let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: victim))
    #expect {
        try ImageFile.load(path)
    } throws: { error in
        "\(error)".contains(victim) && "\(error)".contains("truncated")
    }
}

@Test func corruptFilesInASeriesNeverCrashTheSeriesReader() throws {
    let files = try dicomFiles(in: ct5NSeries)
    var generator = SplitMix64(state: 11)
    for _ in 0..<25 {
        let path = try directory(with: files)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let victim = path + "/" + URL(fileURLWithPath: files[Int.random(in: 0..<files.count, using: &generator)]).lastPathComponent
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: victim)))
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            bytes[Int.random(in: 0..<min(bytes.count, 1200), using: &generator)] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: victim))
        _ = try? ImageFile.load(path)
    }
}

@Test func unreadableSliceIsNamedWhenItLeavesAGap() throws {
    let files = try dicomFiles(in: ctPhantomSeries)
    let path = try directory(with: files)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let victim = path + "/" + URL(fileURLWithPath: files[20]).lastPathComponent
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: victim))
    #expect {
        try ImageFile.load(path)
    } throws: { error in
        "\(error)".contains("missing slice") && "\(error)".contains("skipped \(victim)")
    }
}
