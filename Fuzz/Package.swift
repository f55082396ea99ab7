// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets: each is only `LLVMFuzzerTestOneInput`. Build with
//   swift build --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product NAME
// (`make fuzz` does). They live in their own package because --sanitize=fuzzer turns every executable
// target into a library, and a target without `main` would not link in a normal build.
let package = Package(
    name: "casevault-fuzz",
    // `casevault` is a link to the repository root, so the dependency has the same identity whatever the
    // clone is called.
    dependencies: [.package(path: "casevault")],
    targets: [
        .executableTarget(name: "fuzz-cobblestone", dependencies: [.product(name: "VaultCrypto", package: "casevault")]),
        .executableTarget(name: "fuzz-keyfile", dependencies: [.product(name: "VaultCrypto", package: "casevault")]),
        .executableTarget(name: "fuzz-eml", dependencies: [.product(name: "DocumentText", package: "casevault"),
                                                          .product(name: "Redaction", package: "casevault")]),
        .executableTarget(name: "fuzz-docx", dependencies: [.product(name: "DocumentText", package: "casevault"),
                                                          .product(name: "Redaction", package: "casevault")]),
        .executableTarget(name: "fuzz-manifest", dependencies: [.product(name: "MeetingBundle", package: "casevault"),
                                                              .product(name: "VaultCrypto", package: "casevault")]),
    ]
)
