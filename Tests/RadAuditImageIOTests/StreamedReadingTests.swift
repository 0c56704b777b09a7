import Foundation
import Testing
@testable import RadAuditImageIO

// Compressed voxels inflate in the background: a part can be read before the stream ends, and the end of the
// stream is still checked.

/// A 64×64×64 int32 NIfTI (4 MiB of voxels, so several inflation steps), gzipped: 1000 × the z index plus
/// pseudo-random noise below 1000, so that the compressed stream is about as long as the data is.
private func writeLargeImage(_ name: String) throws -> (path: String, geometry: ImageGeometry) {
    let geometry = ImageGeometry(size: GridSize(x: 64, y: 64, z: 64), spacing: SIMD3(1, 1, 1))
    var state: UInt64 = 42
    let values = (0..<geometry.size.count).map { index -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(1000 * (index / (64 * 64)) + Int(state >> 33) % 1000)
    }
    let path = temporaryPath(name)
    try NIfTI.write(Volume(geometry: geometry, voxels: values), to: path, type: .int32)
    return (path, geometry)
}

@Test func aBoxNearTheStartIsReadBeforeTheStreamIsChecked() throws {
    let (path, _) = try writeLargeImage("streamed.nii.gz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let stored = try #require(try ImageFile.loadStored(path))
    let part = try stored.decoded(from: SIMD3(3, 4, 5), size: GridSize(x: 2, y: 2, z: 2))
    #expect(part.voxels.map { Int($0) / 1000 } == [5, 5, 5, 5, 6, 6, 6, 6])
    #expect(part.geometry.origin == stored.geometry.physicalPoint(SIMD3(3, 4, 5)))
    try stored.verify()
    #expect(try stored.loaded().volume.voxels.last.map { Int($0) / 1000 } == 63)
}

@Test func corruptionAfterTheReadPartIsReportedByVerify() throws {
    let (path, _) = try writeLargeImage("corrupt-tail.nii.gz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    data[data.count - 6] ^= 0xFF  // inside the CRC-32 trailer: every voxel inflates, the check fails
    try data.write(to: URL(fileURLWithPath: path))
    let stored = try #require(try ImageFile.loadStored(path))
    #expect(try stored.decoded(from: .zero, size: GridSize(x: 1, y: 1, z: 1)).voxels.map { $0 < 1000 } == [true])
    #expect(throws: ImageIOError.self) { try stored.verify() }
    #expect(throws: ImageIOError.self) { try stored.loaded() }
}

@Test func truncationIsReportedToWhoeverReadsPastIt() throws {
    let (path, _) = try writeLargeImage("cut.nii.gz")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
    let stored = try #require(try ImageFile.loadStored(path))
    #expect(try stored.decoded(from: .zero, size: GridSize(x: 1, y: 1, z: 1)).voxels.map { $0 < 1000 } == [true])
    do {
        _ = try stored.decoded(from: SIMD3(0, 0, 63), size: GridSize(x: 1, y: 1, z: 1))
        Issue.record("reading past the truncation succeeded")
    } catch let error as ImageIOError {
        #expect(error.path == path)
        #expect(error.problem.contains("truncated"))
    }
    #expect(throws: ImageIOError.self) { try stored.verify() }
}

@Test func aHeaderPromisingMoreThanTheStreamCanHoldIsRefusedWithoutAllocating() throws {
    // 2³² voxels of float64 promised by a header followed by a few hundred compressed bytes.
    let geometry = ImageGeometry(size: GridSize(x: 4, y: 4, z: 4), spacing: SIMD3(1, 1, 1))
    let path = temporaryPath("promise.nii")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try NIfTI.write(Volume(geometry: geometry, voxels: [Double](repeating: 1, count: 64)), to: path, type: .float64)
    var file = try Data(contentsOf: URL(fileURLWithPath: path))
    for (axis, n) in [1 << 11, 1 << 11, 1 << 10].enumerated() {
        withUnsafeBytes(of: Int16(n).littleEndian) { file.replaceSubrange(42 + 2 * axis..<44 + 2 * axis, with: $0) }
    }
    let gz = path + ".gz"
    defer { try? FileManager.default.removeItem(atPath: gz) }
    try Gzip.compress(file, path: gz).write(to: URL(fileURLWithPath: gz))
    do {
        _ = try ImageFile.loadStored(gz)?.loaded()
        Issue.record("an impossible stream was accepted")
    } catch let error as ImageIOError {
        #expect(error.problem.contains("truncated"))
    }
}

/// Label maps of every stored width and byte order, with runs that cross 8-byte words and values that differ only
/// in their scaling: the boxed selection equals comparing every decoded voxel.
@Test(arguments: [("uchar", 1), ("short", 2), ("ushort", 2), ("int", 4), ("float", 4), ("double", 8)])
func boxedLabelSelectionMatchesDecodedComparison(type: String, width: Int) throws {
    let size = GridSize(x: 37, y: 5, z: 3)
    var generator = SystemRandomNumberGenerator()
    var labels = [Double](repeating: 0, count: size.count)
    for _ in 0..<40 {  // runs of a random label at random places
        let start = Int.random(in: 0..<size.count, using: &generator)
        let value = Double([1, 2, 3, 7].randomElement(using: &generator)!)
        for i in start..<min(start + Int.random(in: 1...20, using: &generator), size.count) { labels[i] = value }
    }
    for bigEndian in [false, true] {
        var payload = Data()
        for v in labels {
            func put<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: bigEndian ? x.bigEndian : x.littleEndian) { payload.append(contentsOf: $0) } }
            switch type {
            case "uchar": put(UInt8(v))
            case "short": put(Int16(v))
            case "ushort": put(UInt16(v))
            case "int": put(Int32(v))
            case "float": put(Float(v).bitPattern)
            default: put(v.bitPattern)
            }
        }
        let header = "NRRD0004\ntype: \(type)\ndimension: 3\nsizes: 37 5 3\nendian: \(bigEndian ? "big" : "little")\nencoding: gzip\n\n"
        let path = temporaryPath("labels-\(type)-\(bigEndian).nrrd")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var data = Data(header.utf8)
        data.append(try Gzip.compress(payload, path: path))
        try data.write(to: URL(fileURLWithPath: path))
        let stored = try #require(try ImageFile.loadStored(path))
        for label in Set(labels).subtracting([0]) {
            let (mask, box, _) = try stored.selectingLabel(Int(label), path: path, within: { $0 })
            let expected = Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)), voxels: labels.map { $0 == label })
            #expect(box == BoundingBox(of: expected.voxels, size: size))
            #expect(mask.voxels == expected.cropped(to: box).voxels)
            #expect(try stored.selectingLabel(Int(label), path: path).voxels == expected.voxels)
        }
    }
}

@Test func concatenatedMembersAndTrailingZerosInflateAsOneStream() throws {
    let first = Data((0..<3000).map { UInt8($0 % 251) }), second = Data((0..<5000).map { UInt8($0 % 13) })
    var stream = try Gzip.compress(first, path: "a")
    stream.append(try Gzip.compress(second, path: "b"))
    stream.append(Data(repeating: 0, count: 7))
    #expect(try Gzip.decompress(stream, path: "ab.gz") == first + second)
    // The second member cut short is an error naming the file.
    #expect(throws: ImageIOError.self) { try Gzip.decompress(stream.prefix(stream.count - 20), path: "cut.gz") }
}

/// A `.nii.gz` of one member (inflated whole by libdeflate), the same bytes as two members (zlib's stream), and one
/// with a wrong CRC-32 (libdeflate refuses it, zlib names the problem) read as the format says.
@Test func singleAndMultiMemberImagesReadAlikeAndBadChecksumsAreRefused() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-gz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let size = GridSize(x: 40, y: 30, z: 20)
    let volume = Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 2)),
                        voxels: (0..<size.count).map { Double(($0 * 7919) % 2000) - 1000 })
    let single = directory.appendingPathComponent("single.nii.gz").path
    try NIfTI.write(volume, to: single, type: .int16)
    #expect(try ImageFile.load(single).volume.voxels == volume.voxels)

    let raw = try Gzip.decompress(try Data(contentsOf: URL(fileURLWithPath: single)), path: single)
    var two = try Gzip.compress(raw.prefix(10_000), path: "a")
    two.append(try Gzip.compress(raw.dropFirst(10_000), path: "b"))
    let multi = directory.appendingPathComponent("multi.nii.gz").path
    try two.write(to: URL(fileURLWithPath: multi))
    #expect(try ImageFile.load(multi).volume.voxels == volume.voxels)

    var corrupt = try Data(contentsOf: URL(fileURLWithPath: single))
    corrupt[corrupt.count - 8] ^= 0xFF  // the CRC-32 of the member
    let bad = directory.appendingPathComponent("bad.nii.gz").path
    try corrupt.write(to: URL(fileURLWithPath: bad))
    #expect(throws: ImageIOError.self) { try ImageFile.load(bad) }
    let extracted = try? NIfTI.loadStored(bad)
    #expect(throws: (any Error).self) { try extracted?.verify() ?? { throw ImageIOError(bad, "refused") }() }
}
