// swift-tools-version:6.0
import PackageDescription

// Data flow (each arrow a declared dependency): Core (numbers, digests, CSV, atomic files) → image I/O →
// preprocessing → filters (IBSI 2 response maps) → features → extraction (settings + pipeline) → perturbation → statistics → audit (protocols,
// variants, runs, tables and their reader, IBSI notation) → provenance (PROV-XML record) and reporting (HTML/SVG) →
// CLI. Concurrency holds the ordered parallel map every stage shares.
let package = Package(
    name: "RadAudit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "radaudit", targets: ["radaudit"]),
        .library(name: "RadAuditCore", targets: ["RadAuditCore"]),
        .library(name: "RadAuditConcurrency", targets: ["RadAuditConcurrency"]),
        .library(name: "RadAuditImageIO", targets: ["RadAuditImageIO"]),
        .library(name: "RadAuditPreprocessing", targets: ["RadAuditPreprocessing"]),
        .library(name: "RadAuditFilters", targets: ["RadAuditFilters"]),
        .library(name: "RadAuditFeatures", targets: ["RadAuditFeatures"]),
        .library(name: "RadAuditExtraction", targets: ["RadAuditExtraction"]),
        .library(name: "RadAuditPerturbation", targets: ["RadAuditPerturbation"]),
        .library(name: "RadAuditStatistics", targets: ["RadAuditStatistics"]),
        .library(name: "RadAuditAudit", targets: ["RadAuditAudit"]),
        .library(name: "RadAuditProvenance", targets: ["RadAuditProvenance"]),
        .library(name: "RadAuditReporting", targets: ["RadAuditReporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "RadAuditCore", dependencies: ["CLibCrypto"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "RadAuditConcurrency"),
        .target(name: "RadAuditImageIO", dependencies: ["CZlib", "CLibDeflate", "RadAuditCore"]),
        .target(name: "RadAuditPreprocessing", dependencies: ["RadAuditCore", "RadAuditImageIO"]),
        // Filters are optimised in debug builds too: the IBSI 2 response maps the tests check would take minutes unoptimised.
        .target(name: "RadAuditFilters", dependencies: ["RadAuditConcurrency", "RadAuditCore"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "RadAuditFeatures", dependencies: ["RadAuditCore", "RadAuditImageIO", "RadAuditPreprocessing"]),
        .target(name: "RadAuditExtraction", dependencies: ["RadAuditConcurrency", "RadAuditCore", "RadAuditImageIO",
                                                           "RadAuditPreprocessing", "RadAuditFilters", "RadAuditFeatures"]),
        .target(name: "RadAuditPerturbation", dependencies: ["RadAuditImageIO", "RadAuditPreprocessing"]),
        .target(name: "RadAuditStatistics", dependencies: [
            "RadAuditCore", .product(name: "RealModule", package: "swift-numerics"),
        ]),
        .target(name: "RadAuditAudit", dependencies: [
            "RadAuditCore", "RadAuditConcurrency", "RadAuditImageIO", "RadAuditPreprocessing", "RadAuditFeatures",
            "RadAuditExtraction", "RadAuditPerturbation", "RadAuditStatistics",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "RadAuditProvenance", dependencies: [
            "CLibXML2", "RadAuditCore", "RadAuditImageIO", "RadAuditFeatures", "RadAuditExtraction", "RadAuditAudit",
        ]),
        .target(name: "RadAuditReporting", dependencies: [
            "RadAuditCore", "RadAuditConcurrency", "RadAuditImageIO", "RadAuditFeatures", "RadAuditExtraction",
            "RadAuditStatistics", "RadAuditAudit", "RadAuditProvenance",
        ]),
        .executableTarget(name: "radaudit", dependencies: [
            "RadAuditCore", "RadAuditConcurrency", "RadAuditImageIO", "RadAuditExtraction", "RadAuditStatistics", "RadAuditAudit",
            "RadAuditProvenance", "RadAuditReporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "RadAuditTestSupport", dependencies: ["RadAuditFeatures"], path: "Tests/RadAuditTestSupport"),
        .target(name: "RadAuditAuditFixtures", dependencies: ["RadAuditAudit"], path: "Tests/RadAuditAuditFixtures"),
        .testTarget(name: "RadAuditCoreTests", dependencies: ["RadAuditCore"]),
        .testTarget(name: "RadAuditConcurrencyTests", dependencies: ["RadAuditConcurrency"]),
        .testTarget(name: "RadAuditImageIOTests", dependencies: ["RadAuditImageIO"]),
        .testTarget(name: "RadAuditPreprocessingTests", dependencies: ["RadAuditImageIO", "RadAuditPreprocessing"]),
        .testTarget(name: "RadAuditFeaturesTests", dependencies: ["RadAuditCore", "RadAuditImageIO", "RadAuditPreprocessing", "RadAuditFeatures",
                                                                  "RadAuditTestSupport"]),
        .testTarget(name: "RadAuditFiltersTests", dependencies: ["RadAuditFilters"]),
        .testTarget(name: "RadAuditExtractionTests", dependencies: ["RadAuditImageIO", "RadAuditFeatures", "RadAuditExtraction"]),
        .testTarget(name: "RadAuditPerturbationTests", dependencies: ["RadAuditImageIO", "RadAuditPreprocessing",
                                                                      "RadAuditPerturbation"]),
        .testTarget(name: "RadAuditAuditTests", dependencies: ["RadAuditCore", "RadAuditImageIO", "RadAuditPreprocessing",
                                                               "RadAuditExtraction", "RadAuditAudit",
                                                               .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "RadAuditProvenanceTests", dependencies: ["RadAuditProvenance", "RadAuditAudit", "RadAuditAuditFixtures"]),
        .testTarget(name: "RadAuditReportingTests", dependencies: ["RadAuditCore", "RadAuditReporting", "RadAuditAudit", "RadAuditProvenance",
                                                                   "RadAuditAuditFixtures"]),
        .testTarget(name: "RadAuditStatisticsTests", dependencies: ["RadAuditStatistics", "RadAuditTestSupport"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "RadAuditCLITests", dependencies: ["radaudit", "RadAuditCore", "RadAuditAudit", "RadAuditImageIO", "RadAuditStatistics",
                                                             "RadAuditTestSupport"]),
    ]
)
