import Foundation
import Testing
@testable import RadAuditImageIO

let dicomFixtures = fixtures.appendingPathComponent("dicom")

/// One row of `fixtures/dicom/pixel_checksums.csv` (values computed with pydicom 3.0.2).
struct PixelChecksum: CustomStringConvertible {
    var file: String
    var transferSyntax: String
    var rows: Int
    var columns: Int
    var frames: Int
    var storedMinimum: Double
    var storedMaximum: Double
    var storedSum: Double
    var meanAfterRescale: Double

    var description: String { file }

    static let all: [PixelChecksum] = {
        let text = (try? String(contentsOf: dicomFixtures.appendingPathComponent("pixel_checksums.csv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().map { line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return PixelChecksum(file: c[0], transferSyntax: c[2], rows: Int(c[3])!, columns: Int(c[4])!, frames: Int(c[5])!,
                                 storedMinimum: Double(c[9])!, storedMaximum: Double(c[10])!, storedSum: Double(c[11])!,
                                 meanAfterRescale: Double(c[14])!)
        }
    }()
}

@Test func checksumTableListsEverySample() {
    #expect(PixelChecksum.all.count == 12)
}

@Test(arguments: PixelChecksum.all)
func storedValuesMatchTheChecksums(_ sample: PixelChecksum) throws {
    let file = try DICOMFile(path: dicomFixtures.appendingPathComponent(sample.file).path)
    #expect(file.transferSyntax.name == sample.transferSyntax)
    let pixels = try PixelData(file: file)
    #expect(pixels.rows == sample.rows && pixels.columns == sample.columns && pixels.frameCount == sample.frames)
    let frames = ImageFrame.frames(of: file.dataSet, frameCount: pixels.frameCount)
    var minimum = Double.infinity, maximum = -Double.infinity, sum = 0.0, rescaledSum = 0.0
    for frame in frames {
        for value in try pixels.storedValues(frame: frame.frame) {
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            sum += value
            rescaledSum += value * frame.slope + frame.intercept
        }
    }
    #expect(minimum == sample.storedMinimum)
    #expect(maximum == sample.storedMaximum)
    #expect(sum == sample.storedSum)
    let count = Double(sample.rows * sample.columns * sample.frames)
    #expect(abs(rescaledSum / count - sample.meanAfterRescale) < 1e-5)
}

@Test(arguments: PixelChecksum.all)
func everySampleReadsAsAVolumeWithTheListedMean(_ sample: PixelChecksum) throws {
    let image = try ImageFile.load(dicomFixtures.appendingPathComponent(sample.file).path)
    #expect(image.volume.size == GridSize(x: sample.columns, y: sample.rows, z: sample.frames))
    let mean = image.volume.voxels.reduce(0, +) / Double(image.volume.voxels.count)
    #expect(abs(mean - sample.meanAfterRescale) < 1e-5)
}

@Test func bitsStoredBelowBitsAllocatedAreSignExtended() throws {
    // 693_UNCI: BitsStored 14, PixelRepresentation 1; stored range −2971…2836 needs sign extension from bit 13.
    let file = try DICOMFile(path: dicomFixtures.appendingPathComponent("pydicom_data/693_UNCI.dcm").path)
    let pixels = try PixelData(file: file)
    #expect(pixels.bitsStored == 14 && pixels.isSigned && pixels.storedType == .int16)
    let values = try pixels.storedValues(frame: 0)
    #expect(values.min() == -2971)
}

@Test func transferSyntaxVariantsDecodeToIdenticalPixels() throws {
    let reference = try ImageFile.read(dicomFixtures.appendingPathComponent("pydicom_test_files/MR_small.dcm").path)
    for variant in ["MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm"] {
        let image = try ImageFile.read(dicomFixtures.appendingPathComponent("pydicom_test_files/" + variant).path)
        #expect(image.voxels == reference.voxels, "\(variant)")
        #expect(image.geometry == reference.geometry, "\(variant)")
    }
}
