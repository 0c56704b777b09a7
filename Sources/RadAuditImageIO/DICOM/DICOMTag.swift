/// A DICOM attribute tag: (group, element).
public struct DICOMTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var group: UInt16
    public var element: UInt16

    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    public static func < (a: DICOMTag, b: DICOMTag) -> Bool {
        (a.group, a.element) < (b.group, b.element)
    }

    /// `(gggg,eeee)` in upper-case hexadecimal, as the standard writes tags.
    public var description: String {
        func hex(_ v: UInt16) -> String {
            let digits = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "(\(hex(group)),\(hex(element)))"
    }
}

/// The attributes RadAudit reads, named as in DICOM PS3.6.
extension DICOMTag {
    // File meta information.
    static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)

    // Item delimitation (PS3.5 §7.5).
    static let item = DICOMTag(0xFFFE, 0xE000)
    static let itemDelimitation = DICOMTag(0xFFFE, 0xE00D)
    static let sequenceDelimitation = DICOMTag(0xFFFE, 0xE0DD)

    // Identification.
    static let sopClassUID = DICOMTag(0x0008, 0x0016)
    static let studyDate = DICOMTag(0x0008, 0x0020)
    static let seriesDate = DICOMTag(0x0008, 0x0021)
    static let acquisitionDate = DICOMTag(0x0008, 0x0022)
    static let seriesTime = DICOMTag(0x0008, 0x0031)
    static let acquisitionTime = DICOMTag(0x0008, 0x0032)
    static let acquisitionDateTime = DICOMTag(0x0008, 0x002A)
    static let modality = DICOMTag(0x0008, 0x0060)
    static let manufacturer = DICOMTag(0x0008, 0x0070)
    static let seriesDescription = DICOMTag(0x0008, 0x103E)
    static let manufacturerModelName = DICOMTag(0x0008, 0x1090)

    // Patient attributes used for SUV (never copied into outputs).
    static let patientWeight = DICOMTag(0x0010, 0x1030)

    // Acquisition.
    static let contrastBolusAgent = DICOMTag(0x0018, 0x0010)
    static let bodyPartExamined = DICOMTag(0x0018, 0x0015)
    static let scanningSequence = DICOMTag(0x0018, 0x0020)
    static let sequenceVariant = DICOMTag(0x0018, 0x0021)
    static let sliceThickness = DICOMTag(0x0018, 0x0050)
    static let kvp = DICOMTag(0x0018, 0x0060)
    static let repetitionTime = DICOMTag(0x0018, 0x0080)
    static let echoTime = DICOMTag(0x0018, 0x0081)
    static let inversionTime = DICOMTag(0x0018, 0x0082)
    static let magneticFieldStrength = DICOMTag(0x0018, 0x0087)
    static let spacingBetweenSlices = DICOMTag(0x0018, 0x0088)
    static let softwareVersions = DICOMTag(0x0018, 0x1020)
    static let protocolName = DICOMTag(0x0018, 0x1030)
    static let reconstructionDiameter = DICOMTag(0x0018, 0x1100)
    static let exposureTime = DICOMTag(0x0018, 0x1150)
    static let xRayTubeCurrent = DICOMTag(0x0018, 0x1151)
    static let exposure = DICOMTag(0x0018, 0x1152)
    static let convolutionKernel = DICOMTag(0x0018, 0x1210)
    static let flipAngle = DICOMTag(0x0018, 0x1314)
    static let radiopharmaceutical = DICOMTag(0x0018, 0x0031)
    static let radiopharmaceuticalStartTime = DICOMTag(0x0018, 0x1072)
    static let radionuclideTotalDose = DICOMTag(0x0018, 0x1074)
    static let radionuclideHalfLife = DICOMTag(0x0018, 0x1075)
    static let radiopharmaceuticalStartDateTime = DICOMTag(0x0018, 0x1078)

    // Relationship and geometry.
    static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)
    static let seriesNumber = DICOMTag(0x0020, 0x0011)
    static let instanceNumber = DICOMTag(0x0020, 0x0013)
    static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    static let frameOfReferenceUID = DICOMTag(0x0020, 0x0052)

    // Image pixel description.
    static let samplesPerPixel = DICOMTag(0x0028, 0x0002)
    static let photometricInterpretation = DICOMTag(0x0028, 0x0004)
    static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    static let rows = DICOMTag(0x0028, 0x0010)
    static let columns = DICOMTag(0x0028, 0x0011)
    static let pixelSpacing = DICOMTag(0x0028, 0x0030)
    static let bitsAllocated = DICOMTag(0x0028, 0x0100)
    static let bitsStored = DICOMTag(0x0028, 0x0101)
    static let highBit = DICOMTag(0x0028, 0x0102)
    static let pixelRepresentation = DICOMTag(0x0028, 0x0103)
    static let rescaleIntercept = DICOMTag(0x0028, 0x1052)
    static let rescaleSlope = DICOMTag(0x0028, 0x1053)

    // Functional groups of multi-frame images (PS3.3 C.7.6.16).
    static let sharedFunctionalGroupsSequence = DICOMTag(0x5200, 0x9229)
    static let perFrameFunctionalGroupsSequence = DICOMTag(0x5200, 0x9230)
    static let pixelMeasuresSequence = DICOMTag(0x0028, 0x9110)
    static let planePositionSequence = DICOMTag(0x0020, 0x9113)
    static let planeOrientationSequence = DICOMTag(0x0020, 0x9116)
    static let pixelValueTransformationSequence = DICOMTag(0x0028, 0x9145)
    static let exposureInmAs = DICOMTag(0x0018, 0x9332)
    static let effectiveEchoTime = DICOMTag(0x0018, 0x9082)

    // PET.
    static let radiopharmaceuticalInformationSequence = DICOMTag(0x0054, 0x0016)
    static let units = DICOMTag(0x0054, 0x1001)
    static let decayCorrection = DICOMTag(0x0054, 0x1102)
    static let reconstructionMethod = DICOMTag(0x0054, 0x1103)

    // Segmentation (PS3.3 C.8.20).
    static let segmentationType = DICOMTag(0x0062, 0x0001)
    static let segmentSequence = DICOMTag(0x0062, 0x0002)
    static let segmentNumber = DICOMTag(0x0062, 0x0004)
    static let segmentLabel = DICOMTag(0x0062, 0x0005)
    static let segmentIdentificationSequence = DICOMTag(0x0062, 0x000A)
    static let referencedSegmentNumber = DICOMTag(0x0062, 0x000B)
    static let maximumFractionalValue = DICOMTag(0x0062, 0x000E)

    // RT structure set (PS3.3 C.8.8.5, C.8.8.6).
    static let structureSetROISequence = DICOMTag(0x3006, 0x0020)
    static let roiNumber = DICOMTag(0x3006, 0x0022)
    static let referencedFrameOfReferenceUID = DICOMTag(0x3006, 0x0024)
    static let roiName = DICOMTag(0x3006, 0x0026)
    static let roiContourSequence = DICOMTag(0x3006, 0x0039)
    static let contourSequence = DICOMTag(0x3006, 0x0040)
    static let contourGeometricType = DICOMTag(0x3006, 0x0042)
    static let contourData = DICOMTag(0x3006, 0x0050)
    static let referencedROINumber = DICOMTag(0x3006, 0x0084)

    // Pixel data.
    static let pixelData = DICOMTag(0x7FE0, 0x0010)
}
