import Foundation
import Testing
@testable import RadAuditImageIO

let ctPhantomSeries = dicomFixtures.appendingPathComponent("ct_phantom/image").path
let ctPhantomNIfTI = fixtures.appendingPathComponent("ibsi1/ct_phantom/nifti/image/phantom.nii.gz").path
let ct5NSeries = dicomFixtures.appendingPathComponent("pydicom_test_files/ct_series_CT5N_16x16").path

/// A fresh directory holding copies (or symbolic links) of `files`, removed by the caller.
func directory(with files: [String], extra: [String: Data] = [:]) throws -> String {
    let path = temporaryPath("series")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for file in files {
        let name = URL(fileURLWithPath: file).lastPathComponent
        try FileManager.default.copyItem(atPath: file, toPath: path + "/" + name)
    }
    for (name, data) in extra { try data.write(to: URL(fileURLWithPath: path + "/" + name)) }
    return path
}

func dicomFiles(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".dcm") }.sorted()
        .map { directory + "/" + $0 }
}

@Test func ctPhantomSeriesEqualsTheNIfTIVolume() throws {
    let dicom = try ImageFile.load(ctPhantomSeries)
    let nifti = try ImageFile.read(ctPhantomNIfTI)
    #expect(dicom.volume.size == GridSize(x: 204, y: 201, z: 60))
    #expect(dicom.volume.geometry.matches(nifti.geometry))
    #expect(dicom.volume.geometry.direction == ImageGeometry.identityDirection)
    #expect(abs(dicom.volume.geometry.spacing.z - 3) < 1e-6)
    #expect(abs(dicom.volume.geometry.origin.z - -100.4) < 1e-4)
    #expect(dicom.volume.voxels == nifti.voxels)
    #expect(dicom.storedType == .uint16)
    #expect(dicom.frameOfReferenceUID == "1.3.6.1.4.1.9590.100.1.2.43753750011518494101799896492065629048")
    // The RTSTRUCT next to the images is not an image series; the scan notes it.
    let withStructureSet = try ImageFile.load(dicomFixtures.appendingPathComponent("ct_phantom").path)
    #expect(withStructureSet.volume.voxels == nifti.voxels)
    #expect(withStructureSet.notes.contains { $0.contains("DCM_RS_00060.dcm") && $0.contains("RT structure set") })
}

@Test func slicesAreOrderedByPositionAlongTheNormalNotByInstanceNumber() throws {
    // CT5N: InstanceNumber 6…10 runs with z decreasing 8.7625 … −1.2375.
    let image = try ImageFile.load(ct5NSeries)
    let g = image.volume.geometry
    #expect(g.size == GridSize(x: 16, y: 16, z: 5))
    #expect(abs(g.origin.z - -1.2375) < 1e-6)
    #expect(abs(g.spacing.z - 2.5) < 1e-6)
    #expect(abs(g.spacing.x - 0.488281) < 1e-6)
    // The last slice of the volume is the first file (2062.dcm, z = 8.7625), whose rescaled mean is −354.285156.
    let last = image.volume.voxels[(16 * 16 * 4)...]
    #expect(abs(last.reduce(0, +) / 256 - -354.285156) < 1e-5)
    let metadata = try #require(image.metadata)
    #expect(metadata.modality == "CT")
    #expect(metadata.pixelSpacing == [0.488281, 0.488281])
}

@Test func missingSliceIsAnError() throws {
    var files = try dicomFiles(in: ctPhantomSeries)
    files.remove(at: 30)
    let path = try directory(with: files)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
        try ImageFile.load(path)
    } throws: { error in
        "\(error)".contains("missing slice") && "\(error)".contains("1 slice(s) absent")
    }
}

@Test func unequalSpacingIsAnError() throws {
    // Drop the two end files of CT5N and the middle one: gaps 2.5 and 5 mm remain.
    let files = try dicomFiles(in: ct5NSeries)
    let path = try directory(with: [files[0], files[1], files[3]])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ImageIOError.self) { try ImageFile.load(path) }
}

@Test func mixedSeriesNeedAChoice() throws {
    let path = try directory(with: try dicomFiles(in: ct5NSeries) + [dicomFixtures.appendingPathComponent("pydicom_test_files/CT_small.dcm").path])
    defer { try? FileManager.default.removeItem(atPath: path) }
    let scan = try DICOMSeriesScan.scan([path])
    #expect(scan.series.count == 2)
    #expect {
        try ImageFile.load(path)
    } throws: { error in
        // Each series is listed by its key, never by its UID (an identifier the PS3.15 Basic Profile keeps out of outputs).
        let text = "\(error)"
        return text.contains("2 DICOM series") && scan.series.allSatisfy { text.contains($0.key) && !text.contains($0.seriesInstanceUID) }
    }
    let ct5N = try #require(scan.series.first { $0.headers.count == 5 })
    #expect(try ImageFile.load(path, series: ct5N.seriesInstanceUID).volume.size.z == 5)
    #expect(try ImageFile.load(path, series: ct5N.key).volume.size.z == 5)
    #expect(throws: ImageIOError.self) { try ImageFile.load(path, series: "1.2.3") }
}

@Test func nonDICOMFilesAreSkippedWithANote() throws {
    let path = try directory(with: try dicomFiles(in: ct5NSeries),
                             extra: ["README.txt": Data("not an image".utf8), "notes.json": Data("{}".utf8)])
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try ImageFile.load(path)
    #expect(image.volume.size.z == 5)
    #expect(image.notes.contains { $0.contains("README.txt") && $0.contains("not a DICOM file") })
}

@Test func emptyDirectoryIsAnError() throws {
    let path = try directory(with: [])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: ImageIOError.self) { try ImageFile.load(path) }
}

@Test func singleFileOfASeriesIsOneSlice() throws {
    let image = try ImageFile.load(try dicomFiles(in: ct5NSeries)[0])
    #expect(image.volume.size == GridSize(x: 16, y: 16, z: 1))
}
