import Foundation
import Testing
@testable import RadAuditImageIO

let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures")
let phantomImage = fixtures.appendingPathComponent("ibsi1/digital_phantom/nifti/image/phantom.nii.gz").path
let phantomMask = fixtures.appendingPathComponent("ibsi1/digital_phantom/nifti/mask/mask.nii.gz").path

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-\(UUID().uuidString)-\(name)").path
}

@Test func readsTheDigitalPhantom() throws {
    let image = try NIfTI.read(phantomImage)
    let mask = try ImageFile.read(phantomMask)
    #expect(image.size == GridSize(x: 5, y: 4, z: 4))
    #expect(image.geometry.spacing == SIMD3(2, 2, 2))
    try image.requireSameGrid(as: mask, path: phantomImage, otherPath: phantomMask)
    let roi = try mask.selectingLabel(nil, path: phantomMask)
    let inside = zip(image.voxels, roi.voxels).filter { $0.1 }.map { $0.0 }
    #expect(inside.count == 74)
    #expect(abs(inside.reduce(0, +) / 74 - 2.1486) < 1e-4)
    // First row of slice 0 is 1 4 4 1 1 (fixtures/ibsi1/README.source.md).
    #expect(Array(image.voxels[0..<5]) == [1, 4, 4, 1, 1])
}

@Test(arguments: [VoxelType.float32, .float64, .int16, .uint8], [".nii", ".nii.gz"])
func writerRoundTrips(type: VoxelType, suffix: String) throws {
    let geometry = ImageGeometry(size: GridSize(x: 3, y: 2, z: 4), spacing: SIMD3(0.5, 0.75, 2.5),
                                 origin: SIMD3(-10, 20.5, 3),
                                 direction: [0, 1, 0, -1, 0, 0, 0, 0, 1])
    let values = (0..<24).map { Double($0 * 7 % 23) }
    let path = temporaryPath("roundtrip" + suffix)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NIfTI.write(Volume(geometry: geometry, voxels: values), to: path, type: type)
    let back = try ImageFile.read(path)
    #expect(back.voxels == values)
    #expect(back.geometry.matches(geometry, tolerance: 1e-5))
}

@Test func flippedAxesRoundTrip() throws {
    let geometry = ImageGeometry(size: GridSize(x: 2, y: 2, z: 2), spacing: SIMD3(1, 1, 3),
                                 origin: SIMD3(5, -5, 1), direction: [1, 0, 0, 0, 1, 0, 0, 0, -1])
    let path = temporaryPath("flip.nii")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NIfTI.write(Volume(geometry: geometry, voxels: Array(repeating: 1.5, count: 8)), to: path)
    #expect(try NIfTI.read(path).geometry.matches(geometry, tolerance: 1e-5))
}

@Test func analyzeStylePairIsRead() throws {
    let single = temporaryPath("single.nii")
    defer { try? FileManager.default.removeItem(atPath: single) }
    let geometry = ImageGeometry(size: GridSize(x: 2, y: 3, z: 1), spacing: SIMD3(1, 1, 1))
    try NIfTI.write(Volume(geometry: geometry, voxels: [1, 2, 3, 4, 5, 6]), to: single, type: .int16)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: single))
    // Turn it into a .hdr/.img pair: magic ni1, voxel offset 0, data in the .img file.
    var header = bytes.prefix(348)
    header.replaceSubrange(344..<348, with: Array("ni1\0".utf8))
    withUnsafeBytes(of: Float(0).bitPattern.littleEndian) { header.replaceSubrange(108..<112, with: $0) }
    let stem = temporaryPath("pair")
    try header.write(to: URL(fileURLWithPath: stem + ".hdr"))
    bytes.removeFirst(352)
    try bytes.write(to: URL(fileURLWithPath: stem + ".img"))
    defer { for s in [".hdr", ".img"] { try? FileManager.default.removeItem(atPath: stem + s) } }
    #expect(try ImageFile.read(stem + ".hdr").voxels == [1, 2, 3, 4, 5, 6])
    #expect(try ImageFile.read(stem + ".img").voxels == [1, 2, 3, 4, 5, 6])
}

@Test func scalingIsApplied() throws {
    let path = temporaryPath("scaled.nii")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let geometry = ImageGeometry(size: GridSize(x: 2, y: 1, z: 1), spacing: SIMD3(1, 1, 1))
    try NIfTI.write(Volume(geometry: geometry, voxels: [10, 20]), to: path, type: .int16)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    withUnsafeBytes(of: Float(2).bitPattern.littleEndian) { bytes.replaceSubrange(112..<116, with: $0) }
    withUnsafeBytes(of: Float(-1000).bitPattern.littleEndian) { bytes.replaceSubrange(116..<120, with: $0) }
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(try NIfTI.read(path).voxels == [-980, -960])
}

// MARK: - Bad input

private func expectError(_ path: String, containing text: String) {
    do {
        _ = try ImageFile.read(path)
        Issue.record("no error for \(path)")
    } catch let error as ImageIOError {
        #expect(error.path.hasSuffix(URL(fileURLWithPath: path).lastPathComponent) || error.description.contains(path))
        #expect(error.problem.contains(text), "\(error)")
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

private func corrupted(_ name: String, _ edit: (inout Data) -> Void) throws -> String {
    var data = try Data(contentsOf: URL(fileURLWithPath: phantomImage))
    data = try Gzip.decompress(data, path: phantomImage)
    edit(&data)
    let path = temporaryPath(name)
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

@Test func truncatedGzipIsAnError() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: phantomImage))
    let path = temporaryPath("truncated.nii.gz")
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "truncated")
}

@Test func corruptGzipIsAnError() throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: phantomImage))
    for i in 12..<40 { data[i] ^= 0x5A }
    let path = temporaryPath("corrupt.nii.gz")
    try data.write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "gzip")
}

@Test func truncatedVoxelDataIsAnError() throws {
    let path = try corrupted("short.nii") { $0.removeLast(10) }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "truncated")
}

@Test func truncatedHeaderIsAnError() throws {
    let path = try corrupted("header.nii") { $0 = $0.prefix(100) }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "truncated header")
}

@Test func unsupportedDatatypeIsAnError() throws {
    let path = try corrupted("rgb.nii") { d in withUnsafeBytes(of: Int16(128).littleEndian) { d.replaceSubrange(70..<72, with: $0) } }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "unsupported NIfTI datatype 128")
}

@Test func absurdDimensionsAreRefused() throws {
    let path = try corrupted("huge.nii") { d in
        for i in 1...3 { withUnsafeBytes(of: Int16(32000).littleEndian) { d.replaceSubrange(40 + 2 * i..<42 + 2 * i, with: $0) } }
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "absurdly large")
}

@Test(arguments: [Float(0), -2, .nan])
func badSpacingIsRefused(spacing: Float) throws {
    let path = try corrupted("spacing.nii") { d in withUnsafeBytes(of: spacing.bitPattern.littleEndian) { d.replaceSubrange(80..<84, with: $0) } }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "spacing")
}

@Test func zeroDimensionIsRefused() throws {
    let path = try corrupted("zero.nii") { d in withUnsafeBytes(of: Int16(0).littleEndian) { d.replaceSubrange(42..<44, with: $0) } }
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "dimension 1 is 0")
}

@Test func notAnImageIsRefused() throws {
    let path = temporaryPath("text.nii")
    try Data("hello world".utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    expectError(path, containing: "truncated header")
    expectError(temporaryPath("missing.nii.gz"), containing: "no such file")
}

@Test func labelSelection() throws {
    let geometry = ImageGeometry(size: GridSize(x: 4, y: 1, z: 1), spacing: SIMD3(1, 1, 1))
    let binary255 = Volume(geometry: geometry, voxels: [0, 255, 255, 0] as [Double])
    #expect(try binary255.selectingLabel(nil, path: "m").voxels == [false, true, true, false])
    let labels = Volume(geometry: geometry, voxels: [0, 1, 2, 2] as [Double])
    #expect(try labels.selectingLabel(nil, path: "m").voxels == [false, true, false, false])
    #expect(try labels.selectingLabel(2, path: "m").voxels == [false, false, true, true])
    #expect(throws: ImageIOError("m", "label 3 is not in the mask (labels present: 1, 2)")) {
        try labels.selectingLabel(3, path: "m")
    }
    #expect(throws: ImageIOError("m", "the mask is empty (no non-zero voxel)")) {
        try Volume(geometry: geometry, voxels: [0, 0, 0, 0] as [Double]).selectingLabel(nil, path: "m")
    }
}

@Test func gridMismatchIsReported() throws {
    let a = Volume(geometry: ImageGeometry(size: GridSize(x: 2, y: 1, z: 1), spacing: SIMD3(1, 1, 1)), voxels: [0, 1] as [Double])
    let b = Volume(geometry: ImageGeometry(size: GridSize(x: 2, y: 1, z: 1), spacing: SIMD3(1, 1, 2)), voxels: [0, 1] as [Double])
    #expect(throws: ImageIOError.self) { try a.requireSameGrid(as: b, path: "image.nii", otherPath: "mask.nii") }
}

@Test(arguments: [VoxelType.uint8, .int16, .uint16, .float32])
func labelsAreSelectedFromTheStoredValues(type: VoxelType) throws {
    let geometry = ImageGeometry(size: GridSize(x: 3, y: 2, z: 1), spacing: SIMD3(1, 1, 1))
    let path = temporaryPath("labels.nii.gz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NIfTI.write(Volume(geometry: geometry, voxels: [0, 5, 2, 5, 0, 2] as [Double]), to: path, type: type)
    let stored = try #require(try ImageFile.loadStored(path))
    let (boxed, box, _) = try stored.selectingLabel(5, path: path, within: { $0 })
    #expect(box == BoundingBox(lower: SIMD3(0, 0, 0), upper: SIMD3(2, 2, 1)))
    #expect(boxed.voxels == [false, true, true, false])
    #expect(boxed.geometry.size == GridSize(x: 2, y: 2, z: 1))
    #expect(try stored.selectingLabel(5, path: path).voxels == [false, true, false, true, false, false])
    #expect(throws: ImageIOError.self) { try stored.selectingLabel(nil, path: path) }
    #expect(try stored.selectingLabel(2, path: path).voxels == (try ImageFile.read(path).selectingLabel(2, path: path).voxels))
}
