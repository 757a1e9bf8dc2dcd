// swift-tools-version:6.0
import PackageDescription

// Layers (DESIGN.md §1): each target imports only targets below it.
//   signzoo → SignZooCLI → Plugins/* → SignCore → SignPose, SignNN → SignTensor → CBLAS (OpenBLAS)

/// Plugin targets: ordinary targets under Plugins/<Name> (not SwiftPM package plugins), each
/// exposing `static func register(in: inout Registry)`; SignZooCLI lists them in its built-in table.
/// Each gets a test target `<Name>Tests` in Tests/Plugins/<Name>Tests.
let plugins: [(name: String, dependencies: [Target.Dependency])] = [
    ("MaskedPoseModeling", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
    ("SignTextContrastive", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
    ("PrecomputedText", ["SignCore", "SignNN", "SignTensor"]),
    ("BERTTextEncoder", ["SignCore", "SignNN", "SignTensor"]),
    ("MSLUEncoder", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
    ("ISLRHead", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
    ("RetrievalHead", ["SignCore", "SignNN", "SignPose", "SignTensor", "SignTextContrastive"]),
    ("CTCHead", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
    ("TranslationHead", ["SignCore", "SignNN", "SignPose", "SignTensor"]),
]

let package = Package(
    name: "SignZoo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "signzoo", targets: ["signzoo"]),
        .library(name: "SignTensor", targets: ["SignTensor"]),
        .library(name: "SignNN", targets: ["SignNN"]),
        .library(name: "SignPose", targets: ["SignPose"]),
        .library(name: "SignCore", targets: ["SignCore"]),
        .library(name: "SignZoo", targets: ["SignZoo"]),
        .library(name: "SignZooCLI", targets: ["SignZooCLI"]),
    ] + plugins.map { .library(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "SignTensor", dependencies: ["CBLAS"]),
        .target(name: "SignNN", dependencies: ["SignTensor"]),
        .target(name: "SignPose", dependencies: ["SignTensor"]),
        .target(name: "SignCore", dependencies: ["SignTensor", "SignNN", "SignPose"]),
        // Model zoo: manifest, Hugging-Face-style cache, pull over FoundationNetworking (no package dependency).
        .target(name: "SignZoo", dependencies: ["SignPose"]),
        .target(name: "SignZooCLI", dependencies: [
            "SignTensor", "SignNN", "SignPose", "SignCore", "SignZoo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ] + plugins.map { .target(name: $0.name) }),
        .executableTarget(name: "signzoo", dependencies: ["SignZooCLI"]),
        .executableTarget(name: "signzoo-bench", dependencies: ["SignTensor", "SignNN", "SignPose", "SignCore", "MSLUEncoder",
                                                                "MaskedPoseModeling", "SignTextContrastive"],
                          path: "bench/Sources/signzoo-bench"),
        // Shared test helpers (grad checks, fixtures, Python runner); fixtures live in Tests/Fixtures
        // and are located through #filePath (no bundle resources).
        .target(name: "SignTestSupport", dependencies: ["SignTensor", "SignNN", "SignPose", "SignCore"], path: "Tests/SignTestSupport"),
        .testTarget(name: "SignTensorTests", dependencies: ["SignTensor", "SignNN", "SignTestSupport"]),
        .testTarget(name: "SignNNTests", dependencies: ["SignNN", "SignTestSupport"]),
        .testTarget(name: "SignPoseTests", dependencies: ["SignPose", "SignTestSupport"]),
        .testTarget(name: "SignCoreTests", dependencies: ["SignCore", "SignTestSupport"]),
        .testTarget(name: "SignZooTests", dependencies: ["SignZoo", "SignNN", "SignTensor", "SignTestSupport"]),
        // A pretext task registered from outside the built-ins: one file + one registration line.
        .testTarget(name: "ExternalPluginExampleTests", dependencies: ["SignZooCLI", "SignCore", "SignTestSupport"]),
    ] + plugins.flatMap { p -> [Target] in [
        .target(name: p.name, dependencies: p.dependencies, path: "Plugins/\(p.name)"),
        .testTarget(name: "\(p.name)Tests", dependencies: [.target(name: p.name), "SignCore", "SignTestSupport"],
                    path: "Tests/Plugins/\(p.name)Tests"),
    ] },
    swiftLanguageModes: [.v5]
)
