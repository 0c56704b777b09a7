/// How an image was acquired and reconstructed, from its DICOM attributes: the material of the IBSI reporting
/// items on imaging, acquisition and reconstruction.
///
/// Patient identifiers (name, ID, birth date) and other patient attributes are never copied into this record;
/// of dates only the year of the acquisition is kept; free-text descriptors that the DICOM PS3.15 Basic Profile
/// removes (protocol name, series description) are not read, and of the contrast agent only whether one was
/// given. Attributes of enhanced multi-frame images are found in their shared (else first
/// per-frame) functional groups. A missing attribute is nil.
public struct AcquisitionMetadata: Codable, Equatable, Sendable {
    // Imaging.
    public var modality: String?
    public var sopClassUID: String?
    public var manufacturer: String?
    public var manufacturerModelName: String?
    public var softwareVersions: String?
    public var bodyPartExamined: String?
    /// Whether a contrast agent was given (ContrastBolusAgent present and not empty); its free text, which the
    /// Basic Profile replaces by a dummy value, is not copied.
    public var contrastAgentAdministered: Bool?
    /// The year `YYYY` of the acquisition (else of the series, else of the study): never the full date, which is a
    /// date of service, a patient identifier under the DICOM PS3.15 Basic Profile and HIPAA Safe Harbor.
    public var acquisitionYear: String?

    // CT acquisition.
    /// Peak tube voltage (kV).
    public var kvp: Double?
    /// Tube current (mA).
    public var xRayTubeCurrent: Double?
    /// Exposure time (ms).
    public var exposureTime: Double?
    /// Exposure (mAs).
    public var exposure: Double?
    public var convolutionKernel: String?

    // MR acquisition.
    /// Main field strength (T).
    public var magneticFieldStrength: Double?
    public var scanningSequence: String?
    public var sequenceVariant: String?
    /// Repetition, echo and inversion times (ms) and flip angle (degrees).
    public var repetitionTime: Double?
    public var echoTime: Double?
    public var inversionTime: Double?
    public var flipAngle: Double?

    // PET acquisition.
    public var radiopharmaceutical: String?
    /// Injected activity (Bq) and radionuclide half-life (s).
    public var radionuclideTotalDose: Double?
    public var radionuclideHalfLife: Double?
    /// PET units as stored (e.g. `BQML`) and the decay correction reference (`START`, `ADMIN`, `NONE`).
    public var units: String?
    public var decayCorrection: String?
    public var reconstructionMethod: String?
    /// Whether RadAudit converted PET values to body-weight SUV (g/ml).
    public var convertedToSUVbw: Bool = false

    // Reconstruction.
    /// Nominal slice thickness and spacing between slices (mm).
    public var sliceThickness: Double?
    public var spacingBetweenSlices: Double?
    /// In-plane pixel spacing (mm): between rows, then between columns, as DICOM lists it.
    public var pixelSpacing: [Double]?
    /// Diameter of the reconstruction field of view (mm).
    public var reconstructionDiameter: Double?
    public var rows: Int?
    public var columns: Int?

    public init() {}

    /// The metadata of a series, from one of its image data sets.
    init(_ d: DICOMDataSet) {
        let sources = Self.attributeSources(d)
        func text(_ tag: DICOMTag) -> String? { sources.lazy.compactMap { $0.string(tag) }.first }
        func number(_ tag: DICOMTag) -> Double? { sources.lazy.compactMap { $0.number(tag) }.first }
        func numbers(_ tag: DICOMTag) -> [Double]? { sources.lazy.map { $0.numbers(tag) }.first { !$0.isEmpty } }
        modality = text(.modality)
        sopClassUID = text(.sopClassUID)
        manufacturer = text(.manufacturer)
        manufacturerModelName = text(.manufacturerModelName)
        softwareVersions = text(.softwareVersions)
        bodyPartExamined = text(.bodyPartExamined)
        contrastAgentAdministered = text(.contrastBolusAgent).map { !$0.allSatisfy { $0 == " " } }
        let date: String? = text(.acquisitionDate) ?? text(.acquisitionDateTime) ?? text(.seriesDate) ?? text(.studyDate)
        let year = date.map { String($0.prefix(4)) }
        acquisitionYear = year.flatMap { $0.count == 4 && $0.allSatisfy(\.isNumber) ? $0 : nil }
        kvp = number(.kvp)
        xRayTubeCurrent = number(.xRayTubeCurrent)
        exposureTime = number(.exposureTime)
        exposure = number(.exposure) ?? number(.exposureInmAs)
        convolutionKernel = text(.convolutionKernel)
        magneticFieldStrength = number(.magneticFieldStrength)
        scanningSequence = text(.scanningSequence)
        sequenceVariant = text(.sequenceVariant)
        repetitionTime = number(.repetitionTime)
        echoTime = number(.echoTime) ?? number(.effectiveEchoTime)
        inversionTime = number(.inversionTime)
        flipAngle = number(.flipAngle)
        let radiopharmaceuticalInformation = d.item(.radiopharmaceuticalInformationSequence)
        radiopharmaceutical = radiopharmaceuticalInformation?.string(.radiopharmaceutical)
        radionuclideTotalDose = radiopharmaceuticalInformation?.number(.radionuclideTotalDose)
        radionuclideHalfLife = radiopharmaceuticalInformation?.number(.radionuclideHalfLife)
        units = text(.units)
        decayCorrection = text(.decayCorrection)
        reconstructionMethod = text(.reconstructionMethod)
        sliceThickness = number(.sliceThickness)
        spacingBetweenSlices = number(.spacingBetweenSlices)
        pixelSpacing = numbers(.pixelSpacing)
        reconstructionDiameter = number(.reconstructionDiameter)
        rows = d.unsignedInteger(.rows)
        columns = d.unsignedInteger(.columns)
    }

    /// The data set, then the items of its shared functional groups, then those of its first per-frame group.
    private static func attributeSources(_ d: DICOMDataSet) -> [DICOMDataSet] {
        var sources = [d]
        for groups in [d.item(.sharedFunctionalGroupsSequence), d.item(.perFrameFunctionalGroupsSequence)] {
            guard let groups else { continue }
            sources += groups.tags.compactMap { groups.item($0) }
        }
        return sources
    }
}
