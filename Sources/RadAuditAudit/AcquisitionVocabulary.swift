/// The acquisition and reconstruction metadata RadAudit knows by name (the properties of the DICOM reader's
/// acquisition record), with the IBSI reporting item each one answers.
///
/// Metadata keys match case-insensitively, ignoring `_`, `-` and spaces, so `KVP`, `kvp` and `k_v_p` are one key;
/// a known key is written under its canonical name (`radaudit:kvp`), any other key as `radaudit:meta.<key>`.
public enum AcquisitionVocabulary {
    public struct Term: Sendable, Hashable {
        /// Canonical name, also the element name in the provenance record.
        public let name: String
        public let label: String
        /// IBSI reporting items answered (e.g. `14`, `31a`).
        public let items: [String]
    }

    public static let terms: [Term] = [
        Term(name: "modality", label: "Modality", items: ["8"]),
        Term(name: "manufacturer", label: "Manufacturer", items: ["7"]),
        Term(name: "manufacturerModelName", label: "Scanner model", items: ["7"]),
        Term(name: "softwareVersions", label: "Scanner software", items: ["7"]),
        Term(name: "bodyPartExamined", label: "Body part", items: ["1"]),
        Term(name: "contrastAgentAdministered", label: "Contrast agent administered", items: ["4a"]),
        Term(name: "acquisitionYear", label: "Acquisition year", items: []),
        Term(name: "sopClassUID", label: "SOP class", items: ["8"]),
        Term(name: "kvp", label: "Tube voltage (kVp)", items: ["14"]),
        Term(name: "xRayTubeCurrent", label: "Tube current (mA)", items: ["15"]),
        Term(name: "exposureTime", label: "Exposure time (ms)", items: ["13"]),
        Term(name: "exposure", label: "Exposure (mAs)", items: ["31c"]),
        Term(name: "convolutionKernel", label: "Convolution kernel", items: ["31a"]),
        Term(name: "magneticFieldStrength", label: "Field strength (T)", items: ["27"]),
        Term(name: "scanningSequence", label: "Scanning sequence", items: ["18a"]),
        Term(name: "sequenceVariant", label: "Sequence variant", items: ["18b"]),
        Term(name: "repetitionTime", label: "Repetition time (ms)", items: ["19"]),
        Term(name: "echoTime", label: "Echo time (ms)", items: ["20"]),
        Term(name: "inversionTime", label: "Inversion time (ms)", items: ["22"]),
        Term(name: "flipAngle", label: "Flip angle (°)", items: ["23"]),
        Term(name: "radiopharmaceutical", label: "Radiopharmaceutical", items: ["3a"]),
        Term(name: "radionuclideTotalDose", label: "Injected activity (Bq)", items: ["3c"]),
        Term(name: "radionuclideHalfLife", label: "Radionuclide half-life (s)", items: []),
        Term(name: "units", label: "Stored units", items: ["38"]),
        Term(name: "decayCorrection", label: "Decay correction", items: ["34b"]),
        Term(name: "reconstructionMethod", label: "Reconstruction method", items: ["32a"]),
        Term(name: "convertedToSUVbw", label: "Converted to SUVbw", items: ["38"]),
        Term(name: "sliceThickness", label: "Slice thickness (mm)", items: ["29"]),
        Term(name: "spacingBetweenSlices", label: "Slice spacing (mm)", items: ["30"]),
        Term(name: "pixelSpacing", label: "Pixel spacing (mm)", items: ["28"]),
        Term(name: "reconstructionDiameter", label: "Reconstruction diameter (mm)", items: ["28"]),
        Term(name: "rows", label: "Rows", items: ["28"]),
        Term(name: "columns", label: "Columns", items: ["28"]),
    ]

    /// The known term a metadata key names, if any.
    public static func term(for key: String) -> Term? {
        let wanted = normalised(key)
        return terms.first { normalised($0.name) == wanted }
    }

    /// Whether a metadata key names a patient identifier (name, ID, birth date, address, …) that must never be
    /// written to a report or record. Matches DICOM keywords, their tags and common spellings.
    public static func isIdentifying(_ key: String) -> Bool {
        let k = normalised(key)
        let identifying = ["patientname", "patientsname", "patientid", "patientsid", "patientbirth", "patientsbirth",
                           "birthdate", "dateofbirth", "birthname", "otherpatient", "patientaddress", "patientsaddress",
                           "patienttelephone", "patientstelephone", "medicalrecord", "mrn", "00100010", "00100020",
                           "00100030", "00101000", "00101001", "00101040", "00102154",
                           // Dates of service, institutions, operators and devices (DICOM PS3.15 Basic Profile).
                           "acquisitiondate", "studydate", "seriesdate", "contentdate", "acquisitiondatetime", "studytime",
                           "institution", "operator", "physician", "stationname", "deviceserial", "accession",
                           "instanceuid", "studyid"]
        return identifying.contains { k.contains($0) } || k == "name" || k == "patient"
    }

    private static func normalised(_ key: String) -> String {
        String(key.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
