import Foundation
import Testing
@testable import RadAuditImageIO

private func writeNRRD(_ header: String, payload: Data, name: String = "image.nrrd") throws -> String {
    let path = temporaryPath(name)
    var data = Data(header.utf8)
    data.append(payload)
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

private let sixShorts: [Int16] = [1, -2, 3, -4, 500, -600]

private func shortBytes(bigEndian: Bool) -> Data {
    var d = Data()
    for v in sixShorts { withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { d.append(contentsOf: $0) } }
    return d
}

@Test(arguments: [false, true])
func readsRawNRRDInEitherByteOrder(bigEndian: Bool) throws {
    let header = """
    NRRD0004
    # a comment
    type: short
    dimension: 3
    space: left-posterior-superior
    sizes: 3 2 1
    space directions: (0.5,0,0) (0,0.7,0) (0,0,2.5)
    space origin: (-1,2,3)
    endian: \(bigEndian ? "big" : "little")
    encoding: raw

    """
    let path = try writeNRRD(header + "\n", payload: shortBytes(bigEndian: bigEndian))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let volume = try ImageFile.read(path)
    #expect(volume.voxels == sixShorts.map(Double.init))
    #expect(volume.geometry.spacing == SIMD3(0.5, 0.7, 2.5))
    #expect(volume.geometry.origin == SIMD3(-1, 2, 3))
}

@Test func readsGzipNRRDInRASSpace() throws {
    let header = """
    NRRD0005
    type: int16
    dimension: 3
    space: right-anterior-superior
    sizes: 3 2 1
    space directions: (1,0,0) (0,1,0) (0,0,1)
    space origin: (10,20,30)
    endian: little
    encoding: gzip

    """
    let path = try writeNRRD(header + "\n", payload: try Gzip.compress(shortBytes(bigEndian: false), path: "x"))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let volume = try ImageFile.read(path)
    #expect(volume.voxels == sixShorts.map(Double.init))
    #expect(volume.geometry.origin == SIMD3(-10, -20, 30))
    #expect(volume.geometry.direction == [-1, 0, 0, 0, -1, 0, 0, 0, 1])
}

@Test func readsDetachedHeader() throws {
    let dataPath = temporaryPath("detached.raw")
    try shortBytes(bigEndian: false).write(to: URL(fileURLWithPath: dataPath))
    let header = """
    NRRD0004
    type: short
    dimension: 3
    sizes: 3 2 1
    spacings: 1 1 4
    encoding: raw
    data file: \(URL(fileURLWithPath: dataPath).lastPathComponent)

    """
    let path = try writeNRRD(header + "\n", payload: Data(), name: "detached.nhdr")
    defer { for p in [path, dataPath] { try? FileManager.default.removeItem(atPath: p) } }
    let volume = try ImageFile.read(path)
    #expect(volume.voxels == sixShorts.map(Double.init))
    #expect(volume.geometry.spacing == SIMD3(1, 1, 4))
}

@Test func truncatedNRRDIsAnError() throws {
    let header = "NRRD0004\ntype: short\ndimension: 3\nsizes: 3 2 1\nencoding: raw\n\n"
    let path = try writeNRRD(header, payload: shortBytes(bigEndian: false).prefix(7))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ImageIOError.self) { try ImageFile.read(path) }
    do { _ = try ImageFile.read(path) } catch let e as ImageIOError { #expect(e.problem.contains("truncated")) }
}

@Test func fourDimensionalNRRDIsRefused() throws {
    let header = "NRRD0004\ntype: short\ndimension: 4\nsizes: 3 2 1 1\nencoding: raw\n\n"
    let path = try writeNRRD(header, payload: shortBytes(bigEndian: false))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ImageIOError.self) { try ImageFile.read(path) }
}
