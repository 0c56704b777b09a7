import Foundation
import Testing
@testable import RadAuditImageIO

let ctPhantomStructureSet = dicomFixtures.appendingPathComponent("ct_phantom/mask/DCM_RS_00060.dcm").path
let ctPhantomMaskNIfTI = fixtures.appendingPathComponent("ibsi1/ct_phantom/nifti/mask/mask.nii.gz").path

@Test func ctPhantomStructureSetLists_GTV1() throws {
    let structures = try RTStructureSet(path: ctPhantomStructureSet)
    #expect(structures.rois.map(\.name) == ["GTV-1"])
    #expect(structures.rois[0].number == 1)
    #expect(structures.rois[0].contours.count == 26)
    #expect(structures.rois[0].contours[0].points.count == 141)
}

@Test func rasterisedGTV1MatchesTheIBSIMask() throws {
    let image = try ImageFile.load(ctPhantomSeries)
    let mask = try ImageFile.loadMask(ctPhantomStructureSet, for: image, imagePath: ctPhantomSeries, roi: "GTV-1")
    let reference = try ImageFile.read(ctPhantomMaskNIfTI)
    let differing = mask.volume.voxels.indices.filter { mask.volume.voxels[$0] != (reference.voxels[$0] != 0) }
    let where_ = differing.map { "(\($0 % 204), \($0 / 204 % 201), \($0 / (204 * 201)))" }
    // Voxel-centre even–odd filling reproduces the IBSI mask exactly, including voxel (139, 101, 40) that a
    // plastimatch rasterisation adds.
    #expect(differing.isEmpty, "\(where_)")
    #expect(mask.volume.voxels.filter { $0 }.count == 125_256)
    #expect(mask.notes.isEmpty, "\(mask.notes)")
}

@Test func roiIsChosenByNameCaseOrNumber() throws {
    let structures = try RTStructureSet(path: ctPhantomStructureSet)
    #expect(try structures.roi(named: nil).name == "GTV-1")
    #expect(try structures.roi(named: "gtv-1").name == "GTV-1")
    #expect(try structures.roi(named: nil, number: 1).name == "GTV-1")
    #expect {
        try structures.roi(named: "PTV")
    } throws: { error in
        "\(error)".contains("no ROI named \"PTV\"") && "\(error)".contains("\"GTV-1\"")
    }
}

@Test func structureSetWithoutMetaInformationIsRead() throws {
    // pydicom's rtstruct.dcm has neither preamble nor file meta information.
    let structures = try RTStructureSet(path: dicomFixtures.appendingPathComponent("pydicom_test_files/rtstruct.dcm").path)
    #expect(structures.rois.map(\.name) == ["patient", "Isocenter 1", "Isocenter 2"])
    #expect(structures.rois.map(\.contours.count) == [3, 1, 1])
    #expect {
        try structures.roi(named: nil)
    } throws: { error in
        "\(error)".contains("3 ROIs") && "\(error)".contains("\"Isocenter 2\"")
    }
}

@Test func foreignFrameOfReferenceIsAnError() throws {
    let image = try ImageFile.load(ct5NSeries)
    #expect {
        try ImageFile.loadMask(ctPhantomStructureSet, for: image, imagePath: ct5NSeries, roi: "GTV-1")
    } throws: { error in
        "\(error)".contains("frame of reference") && "\(error)".contains("another scan")
    }
}

@Test func contoursOutsideTheImageAreReported() throws {
    // The CT phantom's ROI on a grid of the same frame of reference that does not reach it.
    var image = try ImageFile.load(ct5NSeries)
    image.frameOfReferenceUID = try ImageFile.load(ctPhantomSeries).frameOfReferenceUID
    #expect {
        try ImageFile.loadMask(ctPhantomStructureSet, for: image, imagePath: ct5NSeries, roi: "GTV-1")
    } throws: { error in
        "\(error)".contains("covers no voxel") && "\(error)".contains("outside")
    }
}

/// Even–odd filling on a 10×10×1 grid with unit spacing: voxel centres are at integer LPS coordinates.
@Test func evenOddRuleCutsHolesAndAddsSeparateContours() throws {
    let geometry = ImageGeometry(size: GridSize(x: 10, y: 10, z: 1), spacing: SIMD3(1, 1, 1))
    var rasteriser = try ContourRasteriser(geometry: geometry)
    func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [SIMD3<Double>] {
        [SIMD3(x0, y0, 0), SIMD3(x1, y0, 0), SIMD3(x1, y1, 0), SIMD3(x0, y1, 0)]
    }
    rasteriser.fill(square(0.5, 0.5, 6.5, 6.5), label: "outer")  // centres 1…6: 36 voxels
    rasteriser.fill(square(2.5, 2.5, 4.5, 4.5), label: "hole")  // centres 3…4: 4 voxels removed
    rasteriser.fill(square(7.5, 7.5, 9.5, 9.5), label: "island")  // centres 8…9: 4 voxels
    #expect(rasteriser.mask.filter { $0 }.count == 36 - 4 + 4)
    #expect(!rasteriser.mask[3 + 10 * 3] && rasteriser.mask[2 + 10 * 2] && rasteriser.mask[9 + 10 * 9])
    #expect(rasteriser.notes.isEmpty)
    // A triangle's voxel centres: (x, y) with 0 ≤ y < 4 and y ≤ x < 4 (left edges inclusive, right exclusive).
    var triangle = try ContourRasteriser(geometry: geometry)
    triangle.fill([SIMD3(0, 0, 0), SIMD3(4, 0, 0), SIMD3(4, 4, 0)], label: "triangle")
    #expect(triangle.mask.filter { $0 }.count == 4 + 3 + 2 + 1)
}

@Test func contourBetweenSlicesOrTiltedIsSkippedWithANote() throws {
    let geometry = ImageGeometry(size: GridSize(x: 4, y: 4, z: 3), spacing: SIMD3(1, 1, 2))
    var rasteriser = try ContourRasteriser(geometry: geometry)
    rasteriser.fill([SIMD3(0, 0, 1), SIMD3(3, 0, 1), SIMD3(3, 3, 1)], label: "between")
    rasteriser.fill([SIMD3(0, 0, 0), SIMD3(3, 0, 2), SIMD3(3, 3, 4)], label: "tilted")
    rasteriser.fill([SIMD3(0, 0, 40), SIMD3(3, 0, 40), SIMD3(3, 3, 40)], label: "above")
    rasteriser.fill([SIMD3(0, 0, .nan), SIMD3(3, 0, 0), SIMD3(3, 3, 0)], label: "nan")
    rasteriser.fill([SIMD3(-1e300, 0, 2), SIMD3(1e300, 0, 2), SIMD3(3, 1e300, 2)], label: "huge")
    #expect(rasteriser.notes.count == 5)
    #expect(rasteriser.notes[0].contains("between slices 0 and 1"))
    #expect(rasteriser.notes[4].contains("clipped"))
}

@Test(arguments: ["ct_phantom/mask/DCM_RS_00060.dcm", "pydicom_test_files/rtstruct.dcm"])
func corruptStructureSetsNeverCrash(_ sample: String) throws {
    let bytes = [UInt8](try Data(contentsOf: dicomFixtures.appendingPathComponent(sample)))
    // The CT phantom's grid.
    let geometry = ImageGeometry(size: GridSize(x: 204, y: 201, z: 60), spacing: SIMD3(0.977, 0.977, 3),
                                 origin: SIMD3(-174.3945, -79.6255, -100.4))
    var generator = SplitMix64(state: 7)
    for round in 0..<45 {
        var copy = round % 3 == 0 ? Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator))) : bytes
        if round % 3 != 0 {
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<copy.count, using: &generator)
                copy[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            }
        }
        guard let file = try? DICOMFile(bytes: copy, path: "fuzz.dcm"),
              let structures = try? RTStructureSet(file: file) else { continue }
        for roi in structures.rois {
            _ = try? structures.mask(roi: nil, number: roi.number, on: geometry, frameOfReferenceUID: nil)
        }
    }
}

@Test func corruptContourDataOfTheChosenROIIsAnError() throws {
    var structures = try RTStructureSet(path: ctPhantomStructureSet)
    structures.rois[0].contours[3].corruption = "ContourData holds 7 numbers, not x/y/z triplets"
    let image = try ImageFile.load(ctPhantomSeries)
    #expect {
        try structures.mask(roi: "GTV-1", on: image.volume.geometry, frameOfReferenceUID: image.frameOfReferenceUID)
    } throws: { error in
        "\(error)".contains("contour 4: ContourData holds 7 numbers") && !"\(error)".contains("\n")
    }
}
