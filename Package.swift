// swift-tools-version:6.0
import PackageDescription

// Layers (DESIGN.md §1): each target imports only targets listed below it.
//   signzoo → SignZooCLI → SignNN → SignTensor → CBLAS (OpenBLAS);  SignPose → SignTensor
let package = Package(
    name: "SignZoo",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "signzoo", targets: ["signzoo"]),
        .library(name: "SignTensor", targets: ["SignTensor"]),
        .library(name: "SignNN", targets: ["SignNN"]),
        .library(name: "SignZooCLI", targets: ["SignZooCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "SignTensor", dependencies: ["CBLAS"]),
        .target(name: "SignNN", dependencies: ["SignTensor"]),
        .target(name: "SignPose", dependencies: ["SignTensor"], path: "Sources/SignPose"),
        .target(name: "SignZooCLI", dependencies: [
            "SignTensor", "SignNN",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "signzoo", dependencies: ["SignZooCLI"]),
        .executableTarget(name: "signzoo-bench", dependencies: ["SignTensor", "SignNN"], path: "bench/Sources/signzoo-bench"),
        .target(name: "SignTestSupport", dependencies: ["SignTensor", "SignNN"], path: "Tests/SignTestSupport"),
        .testTarget(name: "SignTensorTests", dependencies: ["SignTensor", "SignNN", "SignTestSupport"]),
        .testTarget(name: "SignNNTests", dependencies: ["SignNN", "SignTestSupport"]),
        // Fixtures live in Tests/Fixtures/pose and are located through #filePath (no bundle resources).
        .testTarget(name: "SignPoseTests", dependencies: ["SignPose", "SignTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
