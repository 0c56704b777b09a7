import ArgumentParser
import Foundation
import RadAuditReporting
import RadAuditStatistics
import RadAuditAudit
import RadAuditProvenance

/// `radaudit sites`: per-feature tests for site (scanner, centre) effects before pooling, optionally ComBat
/// harmonisation and the same tests after it, with an HTML report and a provenance record.
struct SitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "Kruskal–Wallis, Anderson–Darling and pairwise Kolmogorov–Smirnov site-effect tests per feature.",
        discussion: """
            Writes DIR/site_tests.csv with one row per feature and test: kruskal-wallis (tie-corrected H, χ² p), \
            anderson-darling (midrank k-sample, standardised statistic T, Scholz–Stephens interpolated p capped \
            to [0.001, 0.25]) and ks for every site pair (D; exact no-ties p, asymptotic beyond m·n = 1e8; the \
            method column names it). q_value: Benjamini–Hochberg across features for each test (across all \
            pairs and features for ks). See docs/statistics.md.
            With --harmonize METHOD the feature columns are harmonised with ComBat (as `radaudit harmonize`, \
            preserving --categorical and --continuous covariates): DIR/harmonized.csv is the input with the feature \
            columns harmonised, DIR/site_tests_harmonized.csv the tests after harmonisation. Warnings name ComBat \
            assumptions that look violated (a site smaller than the covariate columns + 2, a covariate confounded \
            with site, multimodal features). Always writes DIR/report.html (charts: significant share, PCA by site, \
            distributions by site) and DIR/provenance.provx (W3C PROV-XML, validated before it is written).
            """)

    @Option(help: "Wide CSV table: one row per sample, one column per feature.") var input: String
    @Option(help: "Column holding the site (batch, scanner).") var site: String
    @Option(help: "Sample identifier column (never a feature).") var id: String?
    @Option(help: "Comma-separated feature columns (default: every other numeric column).") var features: String?
    @Option(help: "Output directory (created if needed; a non-empty one needs --overwrite).") var output: String
    @Flag(help: "Write into the output directory even if it holds files.") var overwrite = false
    @Option(help: "With an audit's features_wide.csv: the variant whose rows are the samples (default: original).")
    var variant: String?
    @Option(help: "Harmonise with ComBat first: parametric | nonparametric | mean-only | no-eb.") var harmonize: String?
    @Option(help: "Comma-separated categorical covariates ComBat preserves (with --harmonize).") var categorical: String?
    @Option(help: "Comma-separated continuous covariates ComBat preserves (with --harmonize).") var continuous: String?
    @Option(name: .customLong("reference-site"), help: "Site whose data ComBat keeps unchanged (with --harmonize).")
    var referenceSite: String?

    func validate() throws {
        if let harmonize, ComBat.Method(rawValue: harmonize) == nil {
            throw ValidationError("--harmonize must be one of \(ComBat.Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if harmonize == nil && (categorical != nil || continuous != nil || referenceSite != nil) {
            throw ValidationError("--categorical, --continuous and --reference-site need --harmonize")
        }
    }

    func run() throws {
        try OutputDirectory.check(output, overwrite: overwrite)
        let study = SiteStudy(input: input, site: site, id: id, features: commaSeparated(features), output: output,
                              harmonize: harmonize.flatMap(ComBat.Method.init(rawValue:)),
                              categorical: commaSeparated(categorical) ?? [], continuous: commaSeparated(continuous) ?? [],
                              referenceSite: referenceSite, toolVersion: RadAudit.version, variant: variant)
        let summary = try study.run(warning: warn)
        FileHandle.standardError.write(Data(("radaudit: \(summary.samples) samples at \(summary.sites) sites, \(summary.features) "
            + "features: \(summary.differing) differ between sites (q < 0.05); report: \(output)/report.html\n").utf8))
    }
}
