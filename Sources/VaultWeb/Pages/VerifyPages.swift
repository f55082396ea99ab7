import BundleModel
import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import VaultCrypto

/// The public "check a bundle" page: a bundle's PDF and manifest checked by the verifier `casevault bundle verify`
/// uses (`BundleVerifier.verify`), against this vault's signing key, with the answer in plain English. No sign-in:
/// whoever received a bundle (a trust, the Ombudsman) may check it. It changes nothing and keeps nothing, so it needs
/// no form token (a forged post could only show its sender an answer about files they already hold).
enum VerifyPages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>,
                                                                      clientAddress: @escaping @Sendable (Context) -> String,
                                                                      limit: VerifyRateLimit = VerifyRateLimit()) {
        router.get("/verify") { request, context in
            await web.guarded(request, context.id) { web.verifyPage(request, page: VerifyPage(limit: web.uploadLimitText, outcome: nil, problem: nil)) }
        }
        router.post("/verify") { request, context in
            await web.guarded(request, context.id) {
                // Counted before the files are read: a refused check costs the server nothing but this answer.
                if let seconds = limit.take(clientAddress(context)) { return web.tooManyChecks(request, retryAfter: seconds) }
                return try await web.verify(request)
            }
        }
    }

    struct Form: Decodable {
        var pdf: Data?
        var manifest: Data?
    }
}

extension WebHandlers {
    var uploadLimitText: String {
        let bytes = backend.maxUploadBytes
        return bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(max(1, bytes >> 10)) KB"
    }

    func verifyPage(_ request: Request, page: VerifyPage, status: HTTPResponse.Status = .ok) -> Response {
        let formToken = optionalFormToken(request)
        let title = page.outcome.map { $0.genuine ? "Genuine bundle" : "Not a genuine bundle" } ?? (page.problem == nil ? "Check a bundle" : "Check a bundle (there is a problem)")
        return WebHTTP.html(renderer.render("verify", title: title, signedIn: !formToken.isEmpty, formToken: formToken, page: page), status: status)
    }

    /// 429, in words: how long to wait, and that nothing is wrong with the files.
    func tooManyChecks(_ request: Request, retryAfter seconds: Int) -> Response {
        let wait = seconds < 60 ? "a minute" : "\((seconds + 59) / 60) minutes"
        var response = verifyPage(request, page: VerifyPage(limit: uploadLimitText, outcome: nil, problem: "Too many bundles have been checked "
            + "from your connection in a short time, so this one was not checked. Wait \(wait) and try again. Nothing is wrong with "
            + "your files."), status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    func verify(_ request: Request) async throws -> Response {
        // A bundle PDF up to the server's upload limit, its manifest (a few KB) and the form's own parts.
        let limit = Int(min(backend.maxUploadBytes, 1 << 40)) + Self.manifestLimit + 64 * 1024
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw WebPageError(.contentTooLarge, "Those files are too large: a bundle checked here may be at most \(uploadLimitText). "
                               + "Check a larger one with casevault bundle verify on a computer with the vault's public key.")
        }
        func problem(_ text: String) -> Response {
            verifyPage(request, page: VerifyPage(limit: uploadLimitText, outcome: nil, problem: text), status: .badRequest)
        }
        guard let boundary = Self.boundary(request.headers[.contentType]),
              let form = try? FormDataDecoder().decode(VerifyPages.Form.self, from: buffer, boundary: boundary) else {
            return problem("The files did not arrive whole. Choose the PDF and its manifest again, then press Check the bundle.")
        }
        guard let pdf = form.pdf, !pdf.isEmpty else { return problem("Choose the bundle's PDF.") }
        guard let manifest = form.manifest, !manifest.isEmpty else {
            return problem("Choose the bundle's manifest: the file saved beside the PDF, ending .manifest.json.")
        }
        guard manifest.count <= Self.manifestLimit else { return problem("That is not a bundle's manifest: it is far too large.") }
        guard let key = backend.bundleVerificationKey() else {
            return verifyPage(request, page: VerifyPage(limit: uploadLimitText, outcome: nil, problem: "This server cannot check bundles yet: it learns "
                + "the vault's signing key when someone signs in. Try again later, or check the files with casevault bundle verify and the vault's public key."),
                              status: .serviceUnavailable)
        }
        let outcome: VerifyOutcome
        let status: HTTPResponse.Status
        do {
            let verified = try BundleVerifier.verify(pdf: Array(pdf), manifest: Array(manifest), trustedKey: key)
            let hidden = verified.items.reduce(0) { $0 + $1.redactions.values.reduce(0, +) }
            outcome = VerifyOutcome(
                genuine: true, heading: "This is a genuine bundle",
                message: "The PDF is exactly the one this vault made and signed: not a byte has changed since.",
                facts: [Fact(label: "Bundle", value: verified.bundleID), Fact(label: "Made", value: verified.created),
                        Fact(label: "For", value: verified.recipient), Fact(label: "Pages", value: String(verified.pages)),
                        Fact(label: "Documents", value: String(verified.items.count)), Fact(label: "Details hidden", value: String(hidden)),
                        Fact(label: "Signed by", value: BundleVerifier.fingerprint(base64: Data(key.rawRepresentation).base64EncodedString()))])
            status = .ok
        } catch let error as BundleVerificationError {
            outcome = VerifyOutcome(genuine: false, heading: "This is NOT a genuine bundle",
                                    message: "Do not rely on this copy: \(error.description). Ask whoever sent it for the original, "
                                        + "or export the bundle again from the vault.", facts: [])
            status = .unprocessableContent
        }
        return verifyPage(request, page: VerifyPage(limit: uploadLimitText, outcome: outcome, problem: nil), status: status)
    }

    /// A manifest lists each document with a few counts: 16 MB, as the CLI reads it, is far more than any needs.
    static var manifestLimit: Int { 16 << 20 }
}
