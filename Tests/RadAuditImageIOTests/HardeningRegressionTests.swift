import Foundation
import Testing
@testable import RadAuditImageIO

// Inputs that once crashed a reader or were read as if consistent (the hardening issue): each is now a one-line
// error naming the file and the field.

private func write(_ data: Data, _ name: String) throws -> String {
    let path = temporaryPath(name)
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

private func problem(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as ImageIOError {
        return error.problem
    } catch {
        return "\(error)"
    }
}

@Test(arguments: ["line skip: -5", "byte skip: -5"])
func negativeNRRDSkipsAreErrors(field: String) throws {
    let header = "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 3 1\nencoding: raw\nendian: little\n\(field)\n\n"
    let path = try write(Data(header.utf8) + Data(count: 12), "skip.nrrd")
    let message = problem { _ = try ImageFile.read(path) }
    #expect(message?.contains(String(field.split(separator: ":")[0])) == true, "\(message ?? "read")")
}

/// A 2×2×1 int16 NIfTI-1 file with the given header edits (dim, bitpix at their byte offsets).
private func nifti(dims: [Int16] = [3, 2, 2, 1, 1, 1, 1, 1], bitpix: Int16 = 16) -> Data {
    var header = Data(count: 352)
    func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(offset..<offset + $0.count, with: $0) }
    }
    put(Int32(348), 0)
    for (i, d) in dims.enumerated() { put(d, 40 + 2 * i) }
    put(Int16(4), 70)  // int16
    put(bitpix, 72)
    for i in 0..<4 { withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { header.replaceSubrange(76 + 4 * i..<80 + 4 * i, with: $0) } }
    withUnsafeBytes(of: Float(352).bitPattern.littleEndian) { header.replaceSubrange(108..<112, with: $0) }
    header.replaceSubrange(344..<348, with: Array("n+1\0".utf8))
    return header + Data(count: 8)
}

@Test func niftiDimensionsAndBitpixMustAgreeWithTheHeader() throws {
    #expect(problem { _ = try ImageFile.read(try write(nifti(), "ok.nii")) } == nil)
    let zeroDim = problem { _ = try ImageFile.read(try write(nifti(dims: [4, 2, 2, 1, 0, 1, 1, 1]), "dim4.nii")) }
    #expect(zeroDim?.contains("dim[4] is 0") == true, "\(zeroDim ?? "read")")
    let bitpix = problem { _ = try ImageFile.read(try write(nifti(bitpix: 32), "bitpix.nii")) }
    #expect(bitpix?.contains("bitpix 32") == true, "\(bitpix ?? "read")")
}

/// A 2×2×1 float32 NIfTI mask with the given values.
private func floatMask(_ values: [Float]) throws -> String {
    let geometry = ImageGeometry(size: GridSize(x: 2, y: 2, z: 1), spacing: SIMD3(1, 1, 1))
    let path = temporaryPath("mask-\(UUID().uuidString).nii")
    try NIfTI.write(Volume(geometry: geometry, voxels: values.map(Double.init)), to: path, type: .float32)
    return path
}

@Test(arguments: [[0, 0.5, 0, 0], [1, 0.5, 0, 0], [1, .nan, 0, 0], [1, .infinity, 0, 0]] as [[Float]])
func nonIntegerMasksAreRefused(values: [Float]) throws {
    let path = try floatMask(values)
    let message = problem { _ = try ImageFile.read(path).selectingLabel(nil, path: path) }
    #expect(message?.contains("a mask must be a label map of integers") == true, "\(values): \(message ?? "accepted")")
    #expect(try ImageFile.read(try floatMask([1, 0, 0, 1])).selectingLabel(nil, path: path).voxels == [true, false, false, true])
}

private func ct(rows: UInt16 = 2, columns: UInt16 = 2, pixelBytes: Int = 8, representation: UInt16 = 0,
                spacing: String = "1\\1") -> [UInt8] {
    typealias E = DICOMTestWriter.Element
    return DICOMTestWriter.file(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", [
        E(.rows, "US", .unsignedShort([rows])), E(.columns, "US", .unsignedShort([columns])),
        E(.bitsAllocated, "US", .unsignedShort([16])), E(.bitsStored, "US", .unsignedShort([16])),
        E(.highBit, "US", .unsignedShort([15])), E(.pixelRepresentation, "US", .unsignedShort([representation])),
        E(.samplesPerPixel, "US", .unsignedShort([1])), E(.pixelSpacing, "DS", spacing),
        E(.imagePositionPatient, "DS", "0\\0\\0"), E(.imageOrientationPatient, "DS", "1\\0\\0\\0\\1\\0"),
        E(.pixelData, "OW", .bytes([UInt8](repeating: 1, count: pixelBytes))),
    ])
}

@Test func inconsistentDICOMPixelHeadersAreErrors() throws {
    func read(_ bytes: [UInt8]) -> String? { problem { _ = try PixelData(file: DICOMFile(bytes: bytes, path: "ct.dcm")) } }
    #expect(read(ct()) == nil)
    #expect(read(ct(pixelBytes: 16))?.contains("inconsistent header") == true)
    #expect(read(ct(rows: 1))?.contains("inconsistent header") == true)
    #expect(read(ct(representation: 5))?.contains("PixelRepresentation 5") == true)
    #expect(read(ct(spacing: "0\\0"))?.contains("PixelSpacing") == true)
    // 65535 × 65535 pixels with 8 bytes of data: refused as truncated before any allocation.
    #expect(read(ct(rows: 65535, columns: 65535))?.contains("truncated pixel data") == true)
}
