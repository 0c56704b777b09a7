import Foundation
import Testing
@testable import RadAuditImageIO

@Test func ctAcquisitionMetadataIsGathered() throws {
    let image = try ImageFile.load(dicomFixtures.appendingPathComponent("pydicom_test_files/CT_small.dcm").path)
    let m = try #require(image.metadata)
    #expect(m.modality == "CT")
    #expect(m.manufacturer == "GE MEDICAL SYSTEMS" && m.manufacturerModelName == "RHAPSODE")
    #expect(m.kvp == 120 && m.xRayTubeCurrent == 170 && m.exposureTime == 1601 && m.exposure == 170)
    #expect(m.convolutionKernel == "STANDARD")
    #expect(m.sliceThickness == 5 && m.spacingBetweenSlices == 5)
    #expect(m.reconstructionDiameter == 338.6716)
    #expect(m.pixelSpacing == [0.661468, 0.661468])
    #expect(m.acquisitionYear == "1997")  // the year only: a full date is a date of service
    #expect(m.contrastAgentAdministered == true)  // whether, not the agent's free text (PS3.15 Basic Profile)
    #expect(m.rows == 128 && m.columns == 128)
}

@Test func metadataNeverHoldsPatientIdentifiers() throws {
    let path = dicomFixtures.appendingPathComponent("pydicom_test_files/CT_small.dcm").path
    let file = try DICOMFile(path: path)
    let name = try #require(file.dataSet.string(DICOMTag(0x0010, 0x0010)))
    let id = try #require(file.dataSet.string(DICOMTag(0x0010, 0x0020)))
    let json = String(decoding: try JSONEncoder().encode(try ImageFile.load(path).metadata), as: UTF8.self)
    #expect(!json.contains(name) && !json.contains(id) && !json.contains("CompressedSamples"))
}

/// A 2×2 PET slice: stored 100…400, slope 2.5 → 250…1000 Bq/ml; 70 kg, 370 MBq of F-18 (T½ 6586.2 s) injected
/// one hour before the series start.
func petSlice(weight: String? = "70", decayCorrection: String = "START") -> [UInt8] {
    var elements: [E] = [
        E(.modality, "CS", "PT"),
        E(DICOMTag(0x0010, 0x0010), "PN", "Doe^Jane"),
        E(DICOMTag(0x0010, 0x0020), "LO", "X123"),
        E(.seriesDate, "DA", "20240101"),
        E(.seriesTime, "TM", "110000"),
        E(.seriesInstanceUID, "UI", "1.2.826.0.1.3680043.2.1"),
        E(.imagePositionPatient, "DS", "0\\0\\0"),
        E(.imageOrientationPatient, "DS", "1\\0\\0\\0\\1\\0"),
        E(.pixelSpacing, "DS", "4\\4"),
        E(.rows, "US", .unsignedShort([2])),
        E(.columns, "US", .unsignedShort([2])),
        E(.bitsAllocated, "US", .unsignedShort([16])),
        E(.bitsStored, "US", .unsignedShort([16])),
        E(.highBit, "US", .unsignedShort([15])),
        E(.pixelRepresentation, "US", .unsignedShort([0])),
        E(.rescaleSlope, "DS", "2.5"),
        E(.rescaleIntercept, "DS", "0"),
        E(.units, "CS", "BQML"),
        E(.decayCorrection, "CS", decayCorrection),
        E(.radiopharmaceuticalInformationSequence, "SQ", .items([[
            E(.radiopharmaceutical, "LO", "Fluorodeoxyglucose"),
            E(.radiopharmaceuticalStartTime, "TM", "100000.00"),
            E(.radionuclideTotalDose, "DS", "370000000"),
            E(.radionuclideHalfLife, "DS", "6586.2"),
        ]])),
        E(.pixelData, "OW", .unsignedShort([100, 200, 300, 400])),
    ]
    if let weight { elements.append(E(.patientWeight, "DS", weight)) }
    return DICOMTestWriter.file(sopClassUID: "1.2.840.10008.5.1.4.1.1.128", elements)
}

@Test func petIsConvertedToBodyWeightSUV() throws {
    let path = try DICOMTestWriter.write(petSlice(), name: "pet.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try ImageFile.load(path)
    let decayedDose = 370e6 * pow(2, -3600 / 6586.2)
    let expected = [250.0, 500, 750, 1000].map { $0 * 70_000 / decayedDose }
    for (value, reference) in zip(image.volume.voxels, expected) { #expect(abs(value - reference) < 1e-12 * reference) }
    let m = try #require(image.metadata)
    #expect(m.convertedToSUVbw && m.units == "BQML" && m.radiopharmaceutical == "Fluorodeoxyglucose")
    #expect(m.radionuclideTotalDose == 370e6)
    let json = String(decoding: try JSONEncoder().encode(m), as: UTF8.self)
    #expect(!json.contains("Doe") && !json.contains("X123") && !json.lowercased().contains("weight"))
}

@Test func petWithoutWeightStaysInBqPerMlWithANote() throws {
    let path = try DICOMTestWriter.write(petSlice(weight: nil), name: "pet-noweight.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try ImageFile.load(path)
    #expect(image.volume.voxels == [250, 500, 750, 1000])
    #expect(image.metadata?.convertedToSUVbw == false)
    #expect(image.notes.contains { $0.contains("not converted to SUVbw") && $0.contains("PatientWeight") })
}

@Test func petDecayCorrectedToAdministrationNeedsNoDecayFactor() throws {
    let path = try DICOMTestWriter.write(petSlice(decayCorrection: "ADMIN"), name: "pet-admin.dcm")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let image = try ImageFile.load(path)
    #expect(abs(image.volume.voxels[0] - 250 * 70_000 / 370e6) < 1e-15)
}

@Test func dicomTimesAreParsed() {
    #expect(DICOMTime.seconds(date: nil, time: "101530.5") == 36_930.5)
    #expect(DICOMTime.seconds(date: nil, time: "10:15:30") == 36_930)
    #expect(DICOMTime.seconds(date: nil, time: "1015") == 36_900)
    #expect(DICOMTime.seconds(date: "19700102", time: "000000") == 86_400)
    #expect(DICOMTime.seconds(dateTime: "20240101100000.000000+0100") == DICOMTime.seconds(date: "20240101", time: "100000"))
    #expect(DICOMTime.seconds(date: nil, time: "99") == nil)
}
