import Foundation
import MeetingBundle
import PDFRender
import Redaction
import VaultCrypto
import XCTest

/// The wire between casevault and `casevault-pdf __bundle`: a job in (request and plaintext), the bundle or the
/// refusal out, with nothing lost on the way, and the manifest left for casevault to sign.
final class BundleJobTests: XCTestCase {
    private func job(_ mode: BundleJob.Mode, policy: RedactionPolicy = .standard) -> BundleJob {
        var request = BundleFixtures.request(policy: policy)
        request.analysisLimits = AnalysisLimits(seconds: 30, memoryBytes: 1 << 30)
        request.theirReference = "Ref for Bartholomew Quenby"
        return BundleJob(mode: mode, request: request, sources: [
            BundleFixtures.source("doc-letter", name: "letter.txt", mediaType: "text/plain", date: "2026-02-10", bytes: Array(BundleFixtures.letter.utf8)),
            BundleFixtures.source("doc-note", name: "note.md", mediaType: "text/markdown", date: nil, bytes: Array("# Note\nSpoke to the ward.\n".utf8)),
        ])
    }

    func testAJobSurvivesTheWireWhole() throws {
        var policy = RedactionPolicy(keepClientName: true)
        policy.keptClientDetails = [.nhsNumber]
        let sent = job(.export, policy: policy)
        let received = try BundleJob.decode(try sent.encoded())
        XCTAssertEqual(received.mode, .export)
        XCTAssertEqual(received.request.context, sent.request.context)
        XCTAssertEqual(received.request.policy, sent.request.policy)
        XCTAssertEqual(received.request.analysisLimits, sent.request.analysisLimits)
        XCTAssertEqual(received.request.theirReference, sent.request.theirReference)
        XCTAssertEqual(received.sources.map(\.plaintext), sent.sources.map(\.plaintext))
        XCTAssertEqual(received.sources.map(\.documentDate), sent.sources.map(\.documentDate))
        // A truncated or extended job is refused, not half read.
        let bytes = try sent.encoded()
        XCTAssertThrowsError(try BundleJob.decode(Array(bytes.dropLast())))
        XCTAssertThrowsError(try BundleJob.decode(bytes + [0]))
    }

    func testTheHelpersAnswerIsTheBundleWithAnUnsignedManifestThatCasevaultSigns() throws {
        let reply = BundleJobResponse.respond(to: try job(.export).encoded(), runner: InProcessAnalysis(), environment: ["CASEVAULT_OCR": "off"])
        guard case .done(let outcome) = try BundleJobAnswer.decode(reply) else { return XCTFail("no bundle") }
        XCTAssertFalse(outcome.ocrAvailable, "CASEVAULT_OCR=off reached the helper")
        let manifest = try XCTUnwrap(outcome.manifest)
        XCTAssertNil(manifest.signature, "the helper holds no signing key")
        XCTAssertEqual(outcome.reports.map(\.documentID), ["doc-letter", "doc-note"])
        XCTAssertEqual(try PDFSource(data: outcome.pdf).pageCount, outcome.pages)
        let text = try (0..<outcome.pages).map { try PDFSource(data: outcome.pdf).text(ofPage: $0) }.joined()
        XCTAssertFalse(text.contains("Bartholomew Quenby"))
        let key = try Ed25519.PrivateKey.generate()
        let signed = try manifest.signed(with: key)
        XCTAssertNoThrow(try BundleVerifier.verify(pdf: outcome.pdf, manifest: try signed.fileBytes(), trustedKey: key.publicKey))

        let plan = BundleJobResponse.respond(to: try job(.plan).encoded(), runner: InProcessAnalysis(), environment: ["CASEVAULT_OCR": "off"])
        guard case .done(let planned) = try BundleJobAnswer.decode(plan) else { return XCTFail("no plan") }
        XCTAssertEqual(planned.pages, outcome.pages)
        XCTAssertTrue(planned.pdf.isEmpty)
        XCTAssertNil(planned.manifest)
    }

    func testARefusalComesBackAsTheSameBundleError() throws {
        var empty = job(.export)
        empty.sources = []
        let reply = BundleJobResponse.respond(to: try empty.encoded(), runner: InProcessAnalysis(), environment: ["CASEVAULT_OCR": "off"])
        guard case .failed(let failure) = try BundleJobAnswer.decode(reply) else { return XCTFail("a bundle of nothing") }
        XCTAssertEqual(failure, .bundle(.nothingToBundle))
        let garbage = BundleJobResponse.respond(to: Array("not a job".utf8), runner: InProcessAnalysis(), environment: [:])
        guard case .failed(.failed) = try BundleJobAnswer.decode(garbage) else { return XCTFail("garbage was read as a job") }
    }
}
