import RadAuditFeatures

/// The IBSI 1 reporting guidelines (items 1–76; Zwanenburg et al., Radiology 2020;295:328, chapter "Radiomics
/// reporting guidelines and nomenclature" of the reference manual) and what an audit run can say about each.
public enum ReportingChecklist {
    public struct Item: Sendable, Hashable {
        public let id: String
        public let section: String
        public let topic: String
        /// Modalities the item applies to; empty for all.
        public let modalities: String
    }

    public enum Status: String, Sendable, Hashable {
        /// The run answers the item.
        case filled
        /// The run states its own part (e.g. "no noise suppression by RadAudit"); the author adds what happened before.
        case partial
        /// Only the author can answer.
        case author
    }

    public struct Entry: Sendable, Hashable {
        public let item: Item
        public let status: Status
        /// What the run filled in (empty for ``Status/author``).
        public let value: String
    }

    /// Item 59 as RadAudit states it.
    public static let ibsiCompliance = "IBSI 1: reproduces the reference values of the digital phantom and of the CT phantom "
        + "configurations A-E (RadAudit test suite)"

    /// Every item in manual order with the run's answer.
    public static func entries(for results: AuditResults) -> [Entry] {
        let settings = IBSINotation.describe(results.auditProtocol.extraction)
        let extraction = results.auditProtocol.extraction
        var answers: [String: (Status, String)] = [:]
        for item in items {
            let fromMetadata = metadataAnswer(item.id, inputs: results.inputs)
            if let fromMetadata { answers[item.id] = (.filled, fromMetadata) }
        }
        for setting in settings {
            for item in setting.items {
                let text = "\(setting.label): \(setting.value)"
                    + (setting.ibsiIDs.isEmpty ? "" : " (\(setting.ibsiIDs.joined(separator: ", ")))")
                let previous = answers[item]?.1
                answers[item] = (.filled, previous.map { "\($0); \(text)" } ?? text)
            }
        }
        let interpolated = extraction.interpolation != nil
        if !interpolated {
            for item in ["50b", "50c", "50d", "52", "53", "54"] { answers[item] = (.filled, "not applicable: no interpolation") }
            answers["41"] = (.filled, "not applicable: no interpolation")
        } else {
            answers["41"] = (.partial, "RadAudit applies no anti-aliasing filter before down-sampling")
        }
        if answers["56c"] == nil { answers["56c"] = (.filled, "not applicable: no fixed bin size discretisation") }
        let families = Set(extraction.families)
        let notComputed: [(String, FeatureFamily)] = [("64", .glcm), ("65", .glcm), ("66", .glszm), ("67", .gldzm),
                                                      ("68", .gldzm), ("69", .ngtdm), ("70", .ngldm), ("71", .ngldm)]
        for (item, family) in notComputed where !families.contains(family) {
            answers[item] = (.filled, "not applicable: \(IBSINotation.familyAbbreviation(family.rawValue)) not computed")
        }
        if !extraction.families.contains(where: \.isTexture) {
            answers["62"] = (.filled, "not applicable: no texture features")
            answers["63"] = (.filled, "not applicable: no texture features")
        }
        for (item, text) in [("42", "no noise suppression by RadAudit"), ("46", "no intensity normalisation by RadAudit"),
                             ("47", "no other processing by RadAudit")] {
            answers[item] = (.partial, text)
        }
        answers["59"] = (.filled, ibsiCompliance)
        answers["60"] = (.filled, robustnessSummary(results))
        answers["61"] = (.filled, "\(results.run.tool) \(results.run.version)" + (results.run.commit.map { " (commit \($0))" } ?? ""))
        return items.map { item in
            let answer = answers[item.id]
            return Entry(item: item, status: answer?.0 ?? .author, value: answer?.1 ?? "")
        }
    }

    /// Item 60 in words: the statistic, the perturbations and the rule.
    static func robustnessSummary(_ results: AuditResults) -> String {
        let stability = results.auditProtocol.stability
        let perCase = Dictionary(grouping: results.variants.filter { $0.perturbation != "none" }, by: \.perturbation)
        var kinds: [String] = []
        for variant in results.variants where variant.perturbation != "none" && !kinds.contains(variant.perturbation) {
            kinds.append(variant.perturbation)
        }
        let cases = max(results.caseIDs.count, 1)
        let perturbations = kinds.map { "\($0) (\((perCase[$0]?.count ?? 0) / cases) variant(s) per case)" }.joined(separator: ", ")
        return "\(stability.statistic), \(IBSINotation.statisticName(stability.statistic)), with F-based 95 % CI, "
            + "across image perturbations: \(perturbations.isEmpty ? "none" : perturbations); "
            + "\(IBSINotation.rule(stability).text); \(results.caseIDs.count) cases"
    }

    /// The answer acquisition metadata gives to an item: the distinct values over the cohort with their counts.
    static func metadataAnswer(_ item: String, inputs: [AuditInput]) -> String? {
        let terms = AcquisitionVocabulary.terms.filter { $0.items.contains(item) }
        var parts: [String] = []
        for term in terms {
            var counts: [String: Int] = [:]
            var order: [String] = []
            for input in inputs {
                guard let value = input.metadata.first(where: { AcquisitionVocabulary.term(for: $0.key) == term })?.value else {
                    continue
                }
                if counts[value] == nil { order.append(value) }
                counts[value, default: 0] += 1
            }
            guard !order.isEmpty else { continue }
            parts.append("\(term.label): " + order.map { "\($0) (\(counts[$0]!))" }.joined(separator: ", "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Items 1–76 in manual order (short topics; the manual has the full text).
    public static let items: [Item] = {
        func section(_ name: String, _ entries: [(String, String, String)]) -> [Item] {
            entries.map { Item(id: $0.0, section: name, topic: $0.1, modalities: $0.2) }
        }
        return section("Patient", [
            ("1", "Region of interest imaged", ""), ("2a", "Preparation instructions (e.g. fasting)", ""),
            ("2b", "Drugs given before acquisition", ""), ("2c", "Comfort equipment during scanning", ""),
            ("3a", "Radioactive tracer", "PET, SPECT"), ("3b", "Tracer administration method", "PET, SPECT"),
            ("3c", "Injected activity", "PET, SPECT"), ("3d", "Uptake time", "PET, SPECT"),
            ("3e", "Control of competing substance levels", "PET, SPECT"), ("4a", "Contrast agent", ""),
            ("4b", "Contrast administration method", ""), ("4c", "Injected quantity of contrast agent", ""),
            ("4d", "Contrast uptake time", ""), ("4e", "Control of competing substance levels", ""),
            ("5", "Comorbidities affecting imaging", ""),
        ]) + section("Acquisition", [
            ("6", "Acquisition protocol", ""), ("7", "Scanner type and vendor", ""), ("8", "Imaging modality", ""),
            ("9a", "Static or dynamic scans", ""), ("9b", "Time per frame", "dynamic"), ("9c", "Temporal modelling", "dynamic"),
            ("10", "Scanner calibration", ""), ("11", "Patient instructions during acquisition", ""),
            ("12", "Anatomical motion correction", ""), ("13", "Scan duration", ""), ("14", "Tube voltage", "CT"),
            ("15", "Tube current", "CT"), ("16", "Time-of-flight", "PET"), ("17", "RF coil", "MRI"),
            ("18a", "Scanning sequence", "MRI"), ("18b", "Sequence variant", "MRI"), ("18c", "Scan options", "MRI"),
            ("19", "Repetition time", "MRI"), ("20", "Echo time", "MRI"), ("21", "Echo train length", "MRI"),
            ("22", "Inversion time", "MRI"), ("23", "Flip angle", "MRI"), ("24", "Acquisition type (2D/3D)", "MRI"),
            ("25", "k-space traversal", "MRI"), ("26", "Number of averages", "MRI"), ("27", "Magnetic field strength", "MRI"),
        ]) + section("Reconstruction", [
            ("28", "In-plane resolution", ""), ("29", "Slice thickness", ""), ("30", "Slice spacing", ""),
            ("31a", "Convolution kernel", "CT"), ("31b", "Iterative reconstruction settings", "CT"), ("31c", "Exposure", "CT"),
            ("32a", "Reconstruction method", "PET"), ("32b", "Iterations", "PET"), ("32c", "Subsets", "PET"),
            ("33", "Point spread function modelling", "PET"), ("34a", "Attenuation correction", "PET"),
            ("34b", "Other corrections (scatter, randoms, dead time, decay)", "PET"),
            ("35a", "Reconstruction from k-space", "MRI"), ("35b", "Undersampling artefact suppression", "MRI"),
            ("36", "Diffusion b-values", "DWI-MRI"),
        ]) + section("Image registration", [("37", "Registration method", "")])
          + section("Data conversion", [("38", "SUV normalisation", "PET"), ("39", "ADC computation", "DWI-MRI"),
                                        ("40", "Other conversions", "")])
          + section("Post-acquisition processing", [
            ("41", "Anti-aliasing when down-sampling", ""), ("42", "Noise suppression", ""),
            ("43", "Post-reconstruction smoothing (FWHM)", "PET"), ("44", "Skull stripping", "MRI (brain)"),
            ("45", "Non-uniformity correction", "MRI"), ("46", "Intensity normalisation", ""), ("47", "Other processing", ""),
        ]) + section("Segmentation", [
            ("48a", "Segmentation method", ""), ("48b", "Experts, expertise and consensus", ""),
            ("48c", "Semi-automatic / automatic segmentation settings", ""), ("48d", "Image used for segmentation", ""),
            ("49", "Conversion of contours to a voxel mask", ""),
        ]) + section("Image interpolation", [
            ("50a", "Interpolation method", ""), ("50b", "Grid position", ""), ("50c", "Grid dimensions", ""),
            ("50d", "Extrapolation", ""), ("51", "Voxel dimensions", ""), ("52", "Intensity rounding", "CT"),
        ]) + section("ROI interpolation", [("53", "ROI interpolation method", ""), ("54", "Partially masked voxels", "")])
          + section("Re-segmentation", [("55", "Re-segmentation methods and settings", "")])
          + section("Discretisation", [("56a", "Discretisation method", ""), ("56b", "Number of bins or bin size", ""),
                                       ("56c", "Lowest bin edge (FBS)", "")])
          + section("Image transformation", [("57", "Image filter", "")])
          + section("Image biomarker computation", [
            ("58", "Biomarker set", ""), ("59", "IBSI compliance of the software", ""), ("60", "Robustness assessment", ""),
            ("61", "Software and version", ""), ("62", "Texture matrix aggregation", ""), ("63", "Distance weighting", ""),
            ("64", "Co-occurrence matrix symmetry", ""), ("65", "Co-occurrence distance", ""),
            ("66", "Size zone linkage distance", ""), ("67", "Distance zone linkage distance", ""),
            ("68", "Distance zone distance norm", ""), ("69", "NGTDM distance", ""), ("70", "NGLDM distance", ""),
            ("71", "NGLDM coarseness", ""),
        ]) + section("Machine learning and radiomics analysis", [
            ("72", "Diagnostic and prognostic modelling (TRIPOD)", ""), ("73", "Comparison with known factors", ""),
            ("74", "Multicollinearity", ""), ("75", "Model availability", ""), ("76", "Data availability", ""),
        ])
    }()
}
