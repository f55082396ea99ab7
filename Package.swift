// swift-tools-version:6.1
import PackageDescription

// One target per concern (see ../shared/STYLE.md §1). Only the executable imports
// ArgumentParser; the engines (Consent, Redaction) import no store and do no I/O, and Redaction
// parses no file format (DocumentText does).
let package = Package(
    name: "casevault",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "casevault", targets: ["casevault"]),
        // Installed beside casevault and found there (/proc/self/exe's folder): the PDF work (poppler, cairo/pango,
        // leptonica) and the team server (Hummingbird, swift-nio-ssl), so that casevault starts without loading them.
        .executable(name: "casevault-pdf", targets: ["casevault-pdf"]),
        .executable(name: "casevault-server", targets: ["casevault-server"]),
        // The redaction row alone, for release builds and callgrind without building the whole package.
        .executable(name: "redaction-bench", targets: ["redaction-bench"]),
        // For the fuzz package in Fuzz/ (built with libFuzzer, kept apart so `swift build` stays normal).
        .library(name: "VaultCrypto", targets: ["VaultCrypto"]),
        .library(name: "VaultCore", targets: ["VaultCore"]),
        .library(name: "Redaction", targets: ["Redaction"]),
        .library(name: "DocumentText", targets: ["DocumentText"]),
        .library(name: "MeetingBundle", targets: ["MeetingBundle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // Markdown documents (meeting notes) are rendered in bundles, not printed with their marks.
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // The team server's store (issue 21): the vault's records in PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The team server (issue 21): HTTP + TLS, graceful shutdown (swift-service-lifecycle comes with it).
        // swift-configuration support is left out (the server reads its own JSON config); FullFoundation is its default.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The request parts Hummingbird's pipeline carries (NIOHTTPTypes), for the server's slow-client timeouts.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        // The web interface (issue 22): logic-less templates that HTML-escape every {{value}} by default, and the
        // sign-in form's multipart/form-data body (an identity file) parsed by a maintained parser, not by hand.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSystemZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CLeptonica", pkgConfig: "lept", providers: [.apt(["libleptonica-dev"])]),
        .target(name: "CProcessShims"),
        // CProcessShims for the kernel keyring's system calls (Keyring/), which Swift cannot make directly.
        .target(name: "VaultCrypto", dependencies: ["COpenSSL", "CProcessShims"]),
        .target(name: "Audit", dependencies: ["VaultCrypto"]),
        // Plain records and one protocol per store; no database library in it (a PostgreSQL store implements it later).
        .target(name: "VaultStorage", dependencies: ["Audit"]),
        // The only target that imports GRDB: the SQLite store, its schema and migrations.
        .target(name: "VaultStorageSQLite", dependencies: ["VaultStorage", "Audit", .product(name: "GRDB", package: "GRDB.swift")]),
        // The PostgreSQL store for a team server: the same protocols and conformance suite as SQLite.
        .target(name: "VaultStoragePostgres", dependencies: ["VaultStorage", "Audit", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .target(
            name: "VaultCore",
            dependencies: [
                "VaultModel", "VaultCrypto", "Audit", "Consent", "Redaction", "DocumentText", "CProcessShims", "VaultStorage",
                "VaultStorageSQLite", "VaultStoragePostgres",
            ]
        ),
        // Typed ids, the shared enums, CivilDate, the NHS number check: no dependencies, used by every layer.
        .target(name: "VaultModel"),
        .target(name: "Consent", dependencies: ["VaultModel"]),
        // Optimised in debug builds too: make test builds debug, and building the redaction context for 70 000 people
        // took 75 s of CPU unoptimised against 31 s with -O (perf, same test). Overflow checks and preconditions stay.
        .target(name: "Redaction", dependencies: ["VaultModel"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Untrusted file formats (.txt, .md, .eml, .docx, HTML) to text, bounded; fuzzed in Fuzz/. Redaction reads no format.
        .target(name: "DocumentText", dependencies: ["CSystemZlib"]),
        .target(name: "PDFRender", dependencies: ["CPoppler", "CPangoCairo", "CLeptonica"], linkerSettings: [.linkedLibrary("m")]),
        // The bundle's plain types (request, reports, manifest, limits, the wire to casevault-pdf): no PDF library.
        .target(name: "BundleModel", dependencies: ["Redaction", "DocumentText", "VaultCrypto"]),
        .target(name: "MeetingBundle", dependencies: ["BundleModel", "PDFRender", "Redaction", "DocumentText", "VaultCrypto", .product(name: "Ink", package: "Ink")]),
        // Processes: hardening, the confined children that read untrusted PDFs, finding casevault's other programs.
        .target(name: "HelperProcess", dependencies: ["BundleModel", "CProcessShims"]),
        // The export use case over the core (consent, selection, redaction context, the bundle made by casevault-pdf, the
        // redaction log), for the CLI and the server alike. Links no PDF library.
        .target(name: "BundleExport", dependencies: ["VaultCore", "VaultCrypto", "BundleModel", "HelperProcess", "Redaction", "Consent"]),
        // The web interface (issue 22): HTML pages over the same core calls as the API. It knows no session store: the
        // server hands it a `WebBackend` (sign in, a vault opened as the session's account, sign out).
        .target(
            name: "VaultWeb",
            dependencies: [
                "VaultCore", "VaultCrypto", "VaultModel", "Consent", "DocumentText", "BundleExport", "BundleModel",
                // The redaction preview page runs the engine on the core's redaction context; HelperProcess draws PDF
                // pages and makes bundles in confined casevault-pdf children.
                "Redaction", "HelperProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The team server: HTTP routes over the same core (Vault, Authorizer) as the CLI; sessions in PostgreSQL.
        .target(
            name: "VaultServer",
            dependencies: [
                "VaultWeb", "VaultCore", "VaultCrypto", "VaultStorage", "VaultStoragePostgres", "VaultModel", "Audit", "Consent", "BundleExport", "BundleModel",
                "HelperProcess", "Redaction",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.copy("Resources/openapi.yaml")]
        ),
        // The CLI's client of the team server: HTTPS on NIOHTTP1 + NIOSSL (already in the build; see HTTPSClient.swift for
        // why not async-http-client), the session file, the routes as calls. Transport only: no rule is decided in it.
        .target(
            name: "VaultClient",
            dependencies: [
                "VaultCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "casevault",
            dependencies: [
                "VaultCrypto", "VaultCore", "Audit", "Consent", "Redaction", "DocumentText", "BundleModel", "HelperProcess", "CProcessShims",
                "BundleExport", "VaultClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Everything that links poppler, cairo/pango and leptonica: `__analyse`, `__pdftext` and `__bundle`, run by casevault.
        .executableTarget(name: "casevault-pdf", dependencies: ["MeetingBundle", "PDFRender", "BundleModel", "HelperProcess"]),
        // The team server, which `casevault serve` execs.
        .executableTarget(name: "casevault-server", dependencies: ["VaultServer", "HelperProcess"]),
        .executableTarget(name: "casevault-bench", dependencies: ["VaultCrypto", "VaultCore", "Audit", "Consent", "Redaction", "RedactionBenchCorpus", "PDFRender"]),
        // The redaction row's text and case, shared by casevault-bench and redaction-bench (one copy).
        .target(name: "RedactionBenchCorpus", dependencies: ["Redaction"]),
        .executableTarget(name: "redaction-bench", dependencies: ["Redaction", "RedactionBenchCorpus"]),
        // The server over real HTTPS (curl with the test's own CA) on a throwaway PostgreSQL.
        .testTarget(name: "VaultServerTests", dependencies: ["VaultServer", "VaultWeb", "VaultCore", "VaultCrypto", "VaultStorage", "VaultModel", "Consent",
                                                            "PostgresTestSupport", "VaultClient"]),
        // The web pages' templates, escaping and headers, without a server (the browser test is in VaultServerTests).
        .testTarget(name: "VaultWebTests", dependencies: ["VaultWeb", "VaultCore", "Consent", "HelperProcess", "VaultCrypto", "BundleExport",
                                                        .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto", "CSystemZlib", "Audit"]),
        .testTarget(name: "VaultCoreTests", dependencies: ["VaultCore", "VaultCrypto", "Consent", .product(name: "GRDB", package: "GRDB.swift")]),
        // Starts a throwaway PostgreSQL server for the tests that need one (the PostgreSQL store, the CLI on a PostgreSQL vault).
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport"),
        .testTarget(name: "VaultStorageTests", dependencies: ["VaultStorage", "VaultStorageSQLite", "VaultStoragePostgres", "PostgresTestSupport", "Audit",
                                                             "VaultCrypto"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "VaultCrypto"]),
        .testTarget(name: "ConsentTests", dependencies: ["Consent", "VaultModel"]),
        .testTarget(name: "VaultModelTests", dependencies: ["VaultModel"]),
        .testTarget(name: "RedactionTests", dependencies: ["Redaction", "DocumentText", "ZIPFoundation"]),
        .testTarget(name: "DocumentTextTests", dependencies: ["DocumentText", "ZIPFoundation"]),
        .testTarget(name: "PDFRenderTests", dependencies: ["PDFRender"]),
        .testTarget(name: "MeetingBundleTests", dependencies: ["MeetingBundle", "PDFRender", "Redaction", "VaultCrypto", "CPoppler"]),
        // Fixtures are read from the source tree (real PDFs, a vault of the previous release), not bundled.
        .testTarget(name: "CLITests", dependencies: ["VaultCrypto", "PDFRender", "CSystemZlib", "PostgresTestSupport"], exclude: ["Fixtures"]),
    ]
)
