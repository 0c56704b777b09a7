import Foundation
import RadAuditImageIO
import RadAuditAudit
import RadAuditExtraction
import RadAuditCore

/// How a provenance record is written.
public struct ProvenanceOptions: Sendable {
    /// When the record is written (the `radaudit:Reporting` activity).
    public var generated: Date
    /// Version of the tool writing the record, when it differs from the audit's (`radaudit report` re-renders).
    public var reportingToolVersion: String?
    /// Feature values of the original extraction are recorded one entity per value when there are at most this
    /// many; beyond, the record keeps the SHA-256 of `features.csv` only (every value is still in that table).
    public var maximumFeatureValues: Int
    /// SHA-256 of the `report.html` written with the record, if any.
    public var reportSHA256: String?

    public init(generated: Date = Date(), reportingToolVersion: String? = nil, maximumFeatureValues: Int = 20_000,
                reportSHA256: String? = nil) {
        self.generated = generated
        self.reportingToolVersion = reportingToolVersion
        self.maximumFeatureValues = maximumFeatureValues
        self.reportSHA256 = reportSHA256
    }
}

/// A W3C PROV-XML record (`prov:document`, media type `application/provenance+xml`, `.provx`) built with libxml2.
///
/// RadAudit's terms are extension elements in ``ProvenanceNamespace/radaudit``, declared in
/// `radaudit-prov-1.0.xsd`; IBSI features are typed `ro:<IBSI id>`. The layout follows `docs/provenance.md`: the
/// tool as a `prov:softwareAgent`; images and masks as entities with their SHA-256 and acquisition metadata; the
/// protocol, the extraction settings (IBSI notation and identifiers), the robustness rule and every perturbation
/// variant (parameters and seed) as `prov:plan`s; one extraction activity per case and variant; feature values
/// typed by IBSI code; the robustness analysis, site tests and ComBat harmonisation as activities whose results
/// are entities.
public struct ProvenanceDocument {
    let builder: PROVBuilder

    /// The record as indented UTF-8 XML.
    public func serialized() -> Data {
        builder.tree.serialized()
    }

    /// The record's schema problems, found in the tree as built (no serialising and parsing back); empty when it
    /// is valid. `name` names the record in the messages.
    public func issues(validatedBy validator: ProvenanceValidator, name: String) -> [ValidationIssue] {
        builder.tree.issues(validatedBy: validator, name: name)
    }

    /// Validates the record and writes it atomically (temporary file, then rename). Nothing is written when the
    /// record does not validate.
    /// - Throws: ``ProvenanceError/invalid(_:)`` with libxml2's messages, or a write error.
    public func write(to path: String, validator: ProvenanceValidator) throws {
        let issues = issues(validatedBy: validator, name: path)
        guard issues.isEmpty else { throw ProvenanceError.invalid(issues) }
        let data = serialized()
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw ProvenanceError.write("\(error)")
        }
    }
}

extension ProvenanceDocument {
    /// The provenance record of an audit directory.
    public static func audit(_ results: AuditResults, options: ProvenanceOptions = ProvenanceOptions()) -> ProvenanceDocument {
        auditBeforeReporting(results, options: options).addingReporting(reportSHA256: options.reportSHA256)
    }

    /// A record built up to its last activity, the reporting, which needs the digest of the report written with
    /// it: the rest of the record can be built while the report renders.
    ///
    /// Sendable so that it can be built on one thread and finished on another; one thread uses it at a time.
    public struct BeforeReporting: @unchecked Sendable {
        fileprivate let builder: PROVBuilder
        fileprivate let agent: String
        fileprivate let generated: String
        fileprivate let used: [String]

        /// The finished record; the report entity is recorded when `reportSHA256` is given.
        public func addingReporting(reportSHA256: String?) -> ProvenanceDocument {
            ProvenanceDocument.addReporting(builder, agent: agent, generated: generated, used: used, reportSHA256: reportSHA256)
            return ProvenanceDocument(builder: builder)
        }
    }

    /// The record of an audit directory but for its reporting activity (`options.reportSHA256` is not used).
    public static func auditBeforeReporting(_ results: AuditResults, options: ProvenanceOptions) -> BeforeReporting {
        let runJSON = results.files.first { $0.name == "run.json" }?.sha256 ?? results.run.started
        let b = PROVBuilder(runUUID: PROVBuilder.uuid(for: Data("radaudit audit \(runJSON)".utf8)))
        let run = results.run
        let generated = UTCTimestamp.format(options.generated)
        let settings = results.auditProtocol.extraction
        b.comment("RadAudit provenance record of an audit: W3C PROV-XML (prov:document) with RadAudit extension "
                  + "elements (namespace \(ProvenanceNamespace.radaudit), schema radaudit-prov-1.0.xsd). IBSI features "
                  + "are typed by their IBSI identifier in the Radiomics Ontology (ro:). Written \(generated).")

        // Agents.
        let tool = b.identifier("radaudit")
        b.record("softwareAgent", id: tool, label: "\(run.tool) \(run.version)",
                 [.text("version", run.version)] + (run.commit.map { [.text("gitCommit", $0)] } ?? [])
                    + [.text("ibsiCompliance", ReportingChecklist.ibsiCompliance)])
        var reporter = tool
        if let version = options.reportingToolVersion, version != run.version {
            reporter = b.identifier("reportingTool")
            b.record("softwareAgent", id: reporter, label: "radaudit \(version)", [.text("version", version)])
        }

        // Plans: protocol, extraction settings, robustness rule.
        let protocolPlan = b.identifier("protocol")
        let protocolFile = results.files.first { $0.name == "protocol.yaml" }
        b.record("plan", id: protocolPlan, label: results.auditProtocol.name ?? "audit protocol", location: "protocol.yaml",
                 types: [.qname("radaudit:Protocol")],
                 (protocolFile.map { [.text("sha256", $0.sha256)] } ?? [])
                    + [.unsignedLong("randomSeed", results.auditProtocol.seed ?? AuditProtocol.defaultSeed)])
        let settingsPlan = b.identifier("extractionSettings")
        b.record("plan", id: settingsPlan, label: "extraction settings", types: [.qname("radaudit:ExtractionSettings")],
                 settingExtensions(IBSINotation.describe(settings)))
        b.wasDerivedFrom(settingsPlan, protocolPlan)
        let stability = results.auditProtocol.stability
        let rule = IBSINotation.rule(stability)
        let rulePlan = b.identifier("robustnessRule")
        b.record("plan", id: rulePlan, label: rule.text, types: [.qname("radaudit:RobustnessRule")], [
            .text("statistic", stability.statistic), .text("statisticName", IBSINotation.statisticName(stability.statistic)),
            .text("metric", stability.metric.rawValue), .double("threshold", stability.threshold), .text("rule", rule.condition),
            .double("confidenceLevel", 0.95), .text("kooLiBands", kooLiBands),
        ])
        b.wasDerivedFrom(rulePlan, protocolPlan)

        // Inputs.
        var images: [String: (image: String, mask: String)] = [:]
        for input in results.inputs {
            let image = b.identifier("image", input.caseID), mask = b.identifier("mask", input.caseID)
            images[input.caseID] = (image, mask)
            b.record("entity", id: image, label: "image of \(input.caseID)", location: input.image,
                     types: [.qname("radaudit:ImageVolume")],
                     checksum(input.imageSHA256, of: input.image) + [.text("caseId", input.caseID)]
                        + (input.site.map { [.text("site", $0)] } ?? []) + designExtensions(input.design)
                        + metadataExtensions(input.metadata))
            b.record("entity", id: mask, label: "ROI mask of \(input.caseID)", location: input.mask,
                     types: [.qname("radaudit:RoiMask")],
                     checksum(input.maskSHA256, of: input.mask) + [.text("caseId", input.caseID)])
        }

        // The audit and its tables.
        let audit = b.identifier("audit")
        b.activity(id: audit, start: run.started, end: run.finished, label: "radaudit audit", types: [.qname("radaudit:Audit")],
                   (run.seed.map { [.unsignedLong("randomSeed", $0)] } ?? []) + (run.jobs.map { [.integer("jobs", $0)] } ?? [])
                    + run.warnings.map { .text("warning", $0) })
        b.used(audit, protocolPlan)
        for input in results.inputs {
            b.used(audit, images[input.caseID]!.image)
            b.used(audit, images[input.caseID]!.mask)
        }
        b.wasAssociatedWith(audit, agent: tool, plan: protocolPlan)
        var tables: [String: String] = [:]
        for file in results.files where file.name != "protocol.yaml" {
            let id = b.identifier("table", file.name)
            tables[file.name] = id
            b.record("entity", id: id, location: file.name,
                     types: [.qname(file.name == "features.csv" ? "radaudit:FeatureTable" : "radaudit:Table")],
                     [.text("sha256", file.sha256)])
            // The observed tables are generated by the observed analysis (below), not by the audit itself.
            if !ObservedStudy.tableNames.contains(file.name) { b.wasGeneratedBy(id, audit) }
        }

        // Variants and their extractions.
        var variantPlans: [String: String] = [:]
        for variant in results.variants {
            let plan = b.identifier("variant", variant.caseID, variant.variantID)
            variantPlans[variant.caseID + "\u{0}" + variant.variantID] = plan
            b.record("plan", id: plan, label: "\(variant.variantID) of \(variant.caseID)",
                     types: [.qname("radaudit:PerturbationVariant")],
                     [.text("caseId", variant.caseID), .integer("casePosition", variant.casePosition),
                      .text("variantId", variant.variantID), .text("perturbation", variant.perturbation),
                      .text("parameters", variant.parameters)]
                        + (variant.seed.map { [.unsignedLong("randomSeed", $0)] } ?? []))
        }
        let errors = Dictionary(grouping: results.errors) { $0.caseID + "\u{0}" + $0.variantID }
        var extractions: [String: String] = [:]
        for (caseID, variantID) in extractionPairs(results) {
            let key = caseID + "\u{0}" + variantID
            let activity = b.identifier("extraction", caseID, variantID)
            extractions[key] = activity
            b.activity(id: activity, label: "feature extraction of \(caseID), \(variantID)",
                       types: [.qname("radaudit:FeatureExtraction")],
                       [.text("caseId", caseID), .text("variantId", variantID)]
                        + (errors[key] ?? []).map { .text("error", $0.error) })
            if let input = images[caseID] {
                b.used(activity, input.image)
                b.used(activity, input.mask)
            }
            b.wasAssociatedWith(activity, agent: tool, plan: settingsPlan)
            if let plan = variantPlans[key] { b.wasAssociatedWith(activity, agent: tool, plan: plan) }
            b.wasInformedBy(activity, audit)
        }

        // Feature values of the original extraction.
        let originals = results.features.filter { $0.variantID == AuditResults.originalVariant }
        if originals.count <= options.maximumFeatureValues {
            for value in originals {
                let id = b.identifier("value", value.caseID, featureIdentifier(value.key))
                b.record("entity", id: id, types: featureTypes(value.ibsiCode), value: .double("value", value.value),
                         featureExtensions(value.key, settings: settings) + [.text("caseId", value.caseID)])
                if let activity = extractions[value.caseID + "\u{0}" + value.variantID] { b.wasGeneratedBy(id, activity) }
            }
        } else {
            b.comment("\(originals.count) feature values of the original extraction exceed the limit of "
                      + "\(options.maximumFeatureValues) entities: they are recorded by features.csv and its SHA-256.")
        }

        // Robustness analysis.
        let robustness = b.identifier("robustness")
        b.activity(id: robustness, label: "robustness analysis (\(stability.statistic))", types: [.qname("radaudit:RobustnessAnalysis")])
        if let features = tables["features.csv"] { b.used(robustness, features) }
        b.wasAssociatedWith(robustness, agent: tool, plan: rulePlan)
        b.wasInformedBy(robustness, audit)
        for result in results.stability {
            let id = b.identifier("stability", result.perturbation, featureIdentifier(result.key))
            b.record("entity", id: id, types: [.qname("radaudit:RobustnessResult")], value: .double("value", result.estimate),
                     (result.ibsiCode.isEmpty ? [] : [Extension.ibsiTerm("feature", result.ibsiCode)])
                        + featureExtensions(result.key, settings: settings) + [
                            .text("perturbationGroup", result.perturbation), .text("statistic", result.statistic),
                            .double("ci95Lower", result.ciLow), .double("ci95Upper", result.ciHigh),
                            .text("kooLi", result.kooLi), .integer("nSubjects", result.cases),
                            .integer("nVariants", result.raters), .text("rule", rule.condition),
                            .boolean("robust", result.robust),
                        ])
            b.wasGeneratedBy(id, robustness)
        }

        if let observed = results.observed { addObservedAnalysis(observed, to: b, agent: tool, audit: audit, tables: tables) }

        if !results.siteTests.isEmpty {
            let siteTests = b.identifier("siteTests")
            b.activity(id: siteTests, label: "site-effect tests", types: [.qname("radaudit:SiteEffectTest")])
            if let features = tables["features.csv"] { b.used(siteTests, features) }
            b.wasAssociatedWith(siteTests, agent: tool)
            b.wasInformedBy(siteTests, audit)
            addSiteTestResults(results.siteTests, to: b, activity: siteTests)
        }

        return BeforeReporting(builder: b, agent: reporter, generated: generated, used: tables.keys.sorted().map { tables[$0]! })
    }

    /// The study-design columns of a cohort row.
    static func designExtensions(_ design: CaseDesign) -> [Extension] {
        [("subject", design.subject), ("repeat", design.repetition), ("observer", design.observer),
         ("acquisitionProtocol", design.acquisitionProtocol)].compactMap { name, value in value.map { .text(name, $0) } }
    }

    /// The observed-agreement design (a plan: rater axis, raters, statistic and rule, warnings) and the analysis
    /// that produced the observed tables from the feature table.
    static func addObservedAnalysis(_ observed: ObservedResults, to b: PROVBuilder, agent: String, audit: String,
                                    tables: [String: String]) {
        let study = observed.study
        let plan = b.identifier("observedDesign")
        var items: [Extension] = []
        if let axis = study.raters { items.append(.text("raterAxis", axis)) }
        items += study.raterValues.map { .text("rater", $0) } + [.integer("nSubjects", study.subjects)]
        if let statistic = study.statistic { items.append(.text("statistic", statistic)) }
        if let rule = study.rule { items.append(.text("rule", rule)) }
        items += study.parameters.map { .text("acquisitionParameter", $0) } + study.warnings.map { .text("warning", $0) }
        b.record("plan", id: plan, label: study.raters.map { "agreement across real \($0)s" } ?? "acquisition-parameter effects",
                 types: [.qname("radaudit:ObservedDesign")], items)
        let analysis = b.identifier("observedAnalysis")
        b.activity(id: analysis, label: "observed reproducibility analysis", types: [.qname("radaudit:ObservedAgreement")])
        if let features = tables["features.csv"] { b.used(analysis, features) }
        if let stability = tables["stability.csv"] { b.used(analysis, stability) }
        b.wasAssociatedWith(analysis, agent: agent, plan: plan)
        b.wasInformedBy(analysis, audit)
        for name in ObservedStudy.tableNames {
            if let table = tables[name] { b.wasGeneratedBy(table, analysis) }
        }
    }

    static let kooLiBands = "poor < 0.50 <= moderate < 0.75 <= good < 0.90 <= excellent"

    /// (case, variant) pairs that were extracted, in cohort order: every row of `variants.csv`, plus the original
    /// extraction of a case when the variant table leaves it out.
    static func extractionPairs(_ results: AuditResults) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var seen = Set<String>()
        let listed = Dictionary(grouping: results.variants, by: \.caseID)
        let produced = Set(results.features.map { $0.caseID + "\u{0}" + $0.variantID }
                           + results.diagnostics.map { $0.caseID + "\u{0}" + $0.variantID })
        for caseID in results.caseIDs {
            let variants = (listed[caseID] ?? []).map(\.variantID)
            let original = AuditResults.originalVariant
            let all = (!variants.contains(original) && produced.contains(caseID + "\u{0}" + original) ? [original] : []) + variants
            for variant in all where seen.insert(caseID + "\u{0}" + variant).inserted {
                pairs.append((caseID, variant))
            }
        }
        return pairs
    }

    /// `Q4LE_DHQ4`: the feature's IBSI code (its name when it has none) and aggregation code.
    static func featureIdentifier(_ key: FeatureKey) -> String {
        let feature = key.ibsiCode.isEmpty ? key.feature : key.ibsiCode
        let identifier = "\(feature)_\(IBSINotation.aggregationID(key.aggregation) ?? key.aggregation)"
        return key.filter == "none" ? identifier : "\(identifier)_\(key.filter)"
    }

    static func featureTypes(_ code: String) -> [Extension] {
        code.isEmpty ? [.qname("radaudit:FeatureValue")] : [Extension.ibsiTerm("type", code), .qname("radaudit:FeatureValue")]
    }

    static func featureExtensions(_ key: FeatureKey, settings: ExtractionSettings) -> [Extension] {
        var extensions: [Extension] = [.text("featureName", key.feature), .text("family", key.family)]
        if let id = IBSINotation.familyID(key.family) { extensions.append(.text("familyId", id)) }
        if !key.aggregation.isEmpty { extensions.append(.text("aggregation", key.aggregation)) }
        if let id = IBSINotation.aggregationID(key.aggregation) { extensions.append(.text("aggregationId", id)) }
        if !key.ibsiCode.isEmpty { extensions.append(.text("ibsiCode", key.ibsiCode)) }
        extensions.append(.text("nomenclature", IBSINotation.nomenclature(key, settings: settings)))
        return extensions
    }

    static func settingExtensions(_ settings: [SettingDescription]) -> [Extension] {
        settings.flatMap { setting in
            [Extension.text(setting.element, setting.value)] + setting.ibsiIDs.map { .text(setting.element + "Id", $0) }
        }
    }

    /// The SHA-256 of an input and what it covers: the file, or for a directory (a DICOM series) the manifest of
    /// its files' names and SHA-256. Nothing when the input could not be read.
    static func checksum(_ sha256: String, of path: String) -> [Extension] {
        guard !sha256.isEmpty else { return [] }
        var isDirectory: ObjCBool = false
        let series = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        return [.text("sha256", sha256), .text("checksumScope", series ? "dicom-series-manifest" : "file")]
    }

    /// Acquisition metadata as extension elements, known terms first (in vocabulary order), then the rest by key.
    static func metadataExtensions(_ metadata: [String: String]) -> [Extension] {
        var known: [(Int, Extension)] = [], other: [Extension] = []
        for key in metadata.keys.sorted() where !AcquisitionVocabulary.isIdentifying(key) {
            let value = metadata[key]!
            if let term = AcquisitionVocabulary.term(for: key),
               let index = AcquisitionVocabulary.terms.firstIndex(of: term) {
                known.append((index, .text(term.name, value)))
            } else {
                let name = String(key.unicodeScalars.map { scalar -> Character in
                    switch scalar {
                    case "A"..."Z", "a"..."z", "0"..."9", ".", "-", "_": Character(scalar)
                    default: "_"
                    }
                })
                other.append(.text("meta.\(name)", value))
            }
        }
        return known.sorted { $0.0 < $1.0 }.map(\.1) + other
    }

    static func addSiteTestResults(_ results: [SiteTestResult], to b: PROVBuilder, activity: String) {
        for result in results {
            let id = b.identifier("siteTest", result.stage.rawValue, result.feature, result.test, result.groups)
            b.record("entity", id: id, types: [.qname("radaudit:SiteTestResult")], value: .double("value", result.statistic), [
                .text("featureName", result.feature), .text("test", result.test), .text("groups", result.groups),
                .double("pValue", result.pValue), .double("pAdjustedBH", result.qValue), .text("method", result.method),
                .text("stage", result.stage.rawValue),
            ])
            b.wasGeneratedBy(id, activity)
        }
    }

    static func addReporting(_ b: PROVBuilder, agent: String, generated: String, used: [String], reportSHA256: String?) {
        let reporting = b.identifier("reporting")
        b.activity(id: reporting, start: generated, end: generated, label: "report and provenance record",
                   types: [.qname("radaudit:Reporting")])
        for table in used { b.used(reporting, table) }
        b.wasAssociatedWith(reporting, agent: agent)
        if let reportSHA256 {
            let report = b.identifier("report")
            b.record("entity", id: report, location: "report.html", types: [.qname("radaudit:Report")],
                     [.text("sha256", reportSHA256)])
            b.wasGeneratedBy(report, reporting, time: generated)
        }
    }
}

