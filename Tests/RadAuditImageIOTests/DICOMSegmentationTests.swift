import Foundation
import Testing
@testable import RadAuditImageIO

typealias E = DICOMTestWriter.Element

/// A segmentation on the CT5N grid (16×16×5, identity orientation): segment 1 "Liver" on slices 1 and 2,
/// segment 2 "Lesion" on slice 3; each frame marks the pixels (c, r) with c + r < 4 (10 pixels), shifted by
/// `offset` columns.
func segmentation(on image: LoadedImage, fractional: Bool = false, offset: Int = 0,
                  frameOfReference: String? = nil) -> [UInt8] {
    let g = image.volume.geometry
    let frames: [(segment: UInt16, slice: Int)] = [(1, 1), (1, 2), (2, 3)]
    var values: [UInt8] = []
    for _ in frames {
        for r in 0..<16 { for c in 0..<16 { values.append(c + r < 4 ? (fractional ? 200 : 1) : (fractional ? 100 : 0)) } }
    }
    let pixelData: [UInt8]
    if fractional {
        pixelData = values
    } else {
        // Bit-packed, least significant bit first, frames contiguous.
        pixelData = stride(from: 0, to: values.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { $0 | (values[start + $1] << UInt8($1)) }
        }
    }
    let perFrame: [[E]] = frames.map { frame in
        let p = g.physicalPoint(SIMD3(Double(offset), 0, Double(frame.slice)))
        return [E(.segmentIdentificationSequence, "SQ", .items([[E(.referencedSegmentNumber, "US", .unsignedShort([frame.segment]))]])),
                E(.planePositionSequence, "SQ", .items([[E(.imagePositionPatient, "DS", "\(p.x)\\\(p.y)\\\(p.z)")]]))]
    }
    let shared: [E] = [
        E(.planeOrientationSequence, "SQ", .items([[E(.imageOrientationPatient, "DS", "1\\0\\0\\0\\1\\0")]])),
        E(.pixelMeasuresSequence, "SQ", .items([[E(.pixelSpacing, "DS", "\(g.spacing.y)\\\(g.spacing.x)"),
                                                  E(.sliceThickness, "DS", "\(g.spacing.z)")]])),
    ]
    return DICOMTestWriter.file(sopClassUID: DICOMSegmentation.sopClassUID, [
        E(.sopClassUID, "UI", DICOMSegmentation.sopClassUID),
        E(.modality, "CS", "SEG"),
        E(.frameOfReferenceUID, "UI", frameOfReference ?? image.frameOfReferenceUID!),
        E(.samplesPerPixel, "US", .unsignedShort([1])),
        E(.photometricInterpretation, "CS", "MONOCHROME2"),
        E(.numberOfFrames, "IS", "\(frames.count)"),
        E(.rows, "US", .unsignedShort([16])),
        E(.columns, "US", .unsignedShort([16])),
        E(.bitsAllocated, "US", .unsignedShort([fractional ? 8 : 1])),
        E(.bitsStored, "US", .unsignedShort([fractional ? 8 : 1])),
        E(.highBit, "US", .unsignedShort([fractional ? 7 : 0])),
        E(.pixelRepresentation, "US", .unsignedShort([0])),
        E(.segmentationType, "CS", fractional ? "FRACTIONAL" : "BINARY"),
        E(.maximumFractionalValue, "US", .unsignedShort([255])),
        E(.segmentSequence, "SQ", .items([
            [E(.segmentNumber, "US", .unsignedShort([1])), E(.segmentLabel, "LO", "Liver")],
            [E(.segmentNumber, "US", .unsignedShort([2])), E(.segmentLabel, "LO", "Lesion")],
        ])),
        E(.sharedFunctionalGroupsSequence, "SQ", .items([shared])),
        E(.perFrameFunctionalGroupsSequence, "SQ", .items(perFrame)),
        E(.pixelData, "OB", .bytes(pixelData)),
    ])
}

@Test(arguments: [false, true])
func segmentFramesLandOnTheirSlices(fractional: Bool) throws {
    let image = try ImageFile.load(ct5NSeries)
    let path = try DICOMTestWriter.write(segmentation(on: image, fractional: fractional), name: "seg.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let liver = try ImageFile.loadMask(path, for: image, imagePath: ct5NSeries, label: 1)
    let size = image.volume.size
    func voxels(_ mask: LoadedMask) -> [SIMD3<Int>] {
        mask.volume.voxels.indices.filter { mask.volume.voxels[$0] }
            .map { SIMD3($0 % size.x, $0 / size.x % size.y, $0 / (size.x * size.y)) }
    }
    #expect(voxels(liver).count == 20)
    #expect(Set(voxels(liver).map(\.z)) == [1, 2])
    #expect(voxels(liver).allSatisfy { $0.x + $0.y < 4 })
    let lesion = try ImageFile.loadMask(path, for: image, imagePath: ct5NSeries, roi: "lesion")
    #expect(voxels(lesion).count == 10 && voxels(lesion).allSatisfy { $0.z == 3 })
    #expect {
        try ImageFile.loadMask(path, for: image, imagePath: ct5NSeries)
    } throws: { error in
        "\(error)".contains("2 segments") && "\(error)".contains("\"Liver\"")
    }
    #expect(throws: ImageIOError.self) { try ImageFile.loadMask(path, for: image, imagePath: ct5NSeries, label: 3) }
}

@Test func segmentationFramesMayBeShiftedOnTheGridButNotOffIt() throws {
    let image = try ImageFile.load(ct5NSeries)
    let shifted = try DICOMTestWriter.write(segmentation(on: image, offset: 14), name: "seg-shifted.dcm")
    defer { try? FileManager.default.removeItem(atPath: shifted) }
    let mask = try ImageFile.loadMask(shifted, for: image, imagePath: ct5NSeries, label: 2)
    // Columns 14 and 15 remain of the 4 columns of the triangle: 4 + 3 pixels.
    #expect(mask.volume.voxels.filter { $0 }.count == 7)
    #expect(mask.notes.contains { $0.contains("clipped") })
    var offGrid = image
    offGrid.volume.geometry.origin.x += 0.3 * image.volume.geometry.spacing.x
    #expect {
        try ImageFile.loadMask(shifted, for: offGrid, imagePath: ct5NSeries, label: 1)
    } throws: { error in
        "\(error)".contains("not resampled")
    }
}

@Test func segmentationOfAnotherFrameOfReferenceIsRefused() throws {
    let image = try ImageFile.load(ct5NSeries)
    let path = try DICOMTestWriter.write(segmentation(on: image, frameOfReference: "1.2.3.4"), name: "seg-foreign.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
        try ImageFile.loadMask(path, for: image, imagePath: ct5NSeries, label: 1)
    } throws: { error in
        "\(error)".contains("frame of reference 1.2.3.4")
    }
}

@Test func segmentationsAreNotImageSeries() throws {
    let image = try ImageFile.load(ct5NSeries)
    let seg = DICOMTestWriter.file(sopClassUID: DICOMSegmentation.sopClassUID, [])
    let directory = try directory(with: try dicomFiles(in: ct5NSeries))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data(seg).write(to: URL(fileURLWithPath: directory + "/seg.dcm"))
    let again = try ImageFile.load(directory)
    #expect(again.volume.voxels == image.volume.voxels)
    #expect(again.notes.contains { $0.contains("seg.dcm") && $0.contains("SEG") })
}
