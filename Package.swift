// swift-tools-version:6.0
import PackageDescription

// Data flow: image I/O → preprocessing → features → extraction (settings + pipeline) → perturbation →
// statistics → audit (protocols, variants, stability) → reporting (HTML, PROV-XML) → CLI.
let package = Package(
    name: "RadAudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "radaudit", targets: ["radaudit"]),
        .library(name: "RadAuditConcurrency", targets: ["RadAuditConcurrency"]),
        .library(name: "RadAuditImageIO", targets: ["RadAuditImageIO"]),
        .library(name: "RadAuditPreprocessing", targets: ["RadAuditPreprocessing"]),
        .library(name: "RadAuditFeatures", targets: ["RadAuditFeatures"]),
        .library(name: "RadAuditExtraction", targets: ["RadAuditExtraction"]),
        .library(name: "RadAuditPerturbation", targets: ["RadAuditPerturbation"]),
        .library(name: "RadAuditStatistics", targets: ["RadAuditStatistics"]),
        .library(name: "RadAuditAudit", targets: ["RadAuditAudit"]),
        .library(name: "RadAuditReporting", targets: ["RadAuditReporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "RadAuditConcurrency"),
        .target(name: "RadAuditImageIO", dependencies: ["CZlib"]),
        .target(name: "RadAuditPreprocessing", dependencies: ["RadAuditImageIO"]),
        .target(name: "RadAuditFeatures", dependencies: ["RadAuditPreprocessing"]),
        .target(name: "RadAuditExtraction", dependencies: ["RadAuditConcurrency", "RadAuditImageIO", "RadAuditPreprocessing",
                                                           "RadAuditFeatures"]),
        .target(name: "RadAuditPerturbation", dependencies: ["RadAuditImageIO", "RadAuditPreprocessing"]),
        .target(name: "RadAuditStatistics", dependencies: [
            .product(name: "RealModule", package: "swift-numerics"),
        ]),
        .target(name: "RadAuditAudit", dependencies: [
            "RadAuditConcurrency", "RadAuditExtraction", "RadAuditPerturbation", "RadAuditStatistics",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "RadAuditReporting", dependencies: [
            "CLibXML2", "RadAuditAudit", "RadAuditConcurrency", "RadAuditStatistics",
        ]),
        .executableTarget(name: "radaudit", dependencies: [
            "RadAuditImageIO", "RadAuditExtraction", "RadAuditStatistics", "RadAuditAudit", "RadAuditReporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "RadAuditConcurrencyTests", dependencies: ["RadAuditConcurrency"]),
        .testTarget(name: "RadAuditImageIOTests", dependencies: ["RadAuditImageIO"]),
        .testTarget(name: "RadAuditPreprocessingTests", dependencies: ["RadAuditPreprocessing"]),
        .target(name: "RadAuditTestSupport", dependencies: ["RadAuditFeatures"], path: "Tests/RadAuditTestSupport"),
        .testTarget(name: "RadAuditFeaturesTests", dependencies: ["RadAuditFeatures", "RadAuditTestSupport"]),
        .testTarget(name: "RadAuditExtractionTests", dependencies: ["RadAuditExtraction"]),
        .testTarget(name: "RadAuditPerturbationTests", dependencies: ["RadAuditPerturbation"]),
        .testTarget(name: "RadAuditAuditTests", dependencies: ["RadAuditAudit"]),
        .testTarget(name: "RadAuditReportingTests", dependencies: ["RadAuditReporting"]),
        .testTarget(name: "RadAuditStatisticsTests", dependencies: ["RadAuditStatistics", "RadAuditTestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "RadAuditCLITests", dependencies: ["radaudit", "RadAuditAudit", "RadAuditImageIO", "RadAuditTestSupport"]),
    ]
)
