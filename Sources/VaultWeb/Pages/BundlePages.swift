import BundleExport
import BundleModel
import Consent
import Foundation
import Hummingbird
import NIOCore
import Redaction
import VaultCore

/// The bundle wizard (issue 22): choose documents (the export's safe defaults ticked), a policy and the recipient;
/// check the dry run's table; export; download the PDF and its signed manifest. Every step is the core's export use
/// case (`CaseBundleExport.dryRun`/`make`, as the API's bundle routes call it), so the consent rules, the audited
/// reads, the leak check, the signature and the redaction log are the CLI's.
enum BundlePages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        let shelf = BundleShelf()
        router.get("/cases/{case}/bundle") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let acknowledged = WebHandlers<Backend>.acknowledgements(request)
                return try await web.page(request, template: "bundle", title: "Make a meeting bundle") { vault in
                    vault.acknowledged = acknowledged
                    return try BundleFormBuilder.blank(vault, caseText: caseText, acknowledged: acknowledged)
                }
            }
        }
        router.post("/cases/{case}/bundle") { request, context in
            await web.guarded(request, context.id) {
                try await web.bundleStep(request, caseText: try context.parameters.require("case"), shelf: shelf)
            }
        }
        router.get("/bundles/{id}") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let owner = try web.backend.formToken(sessionToken: try web.sessionToken(request))
                guard let entry = shelf.get(id, owner: owner) else { throw BundlePages.gone }
                // The vault is opened (and the page built) only to check that the session still acts.
                return try await web.page(request, template: "bundle-download", title: "Bundle ready") { _ in BundlePages.downloadPage(entry) }
            }
        }
        for file in ["pdf", "manifest"] {
            router.post("/bundles/{id}/\(file)") { request, context in
                await web.guarded(request, context.id) {
                    try await web.bundleDownload(request, id: try context.parameters.require("id"), file: file, shelf: shelf)
                }
            }
        }
    }

    static let gone = WebPageError(.notFound, "This bundle is no longer kept here: bundles wait 30 minutes after they are made, for the person "
                                   + "who made them. Make it again from the case's page (the redaction log records each export).")

    static func downloadPage(_ entry: BundleShelf.Entry) -> BundleDownloadPage {
        let made = entry.made
        let hidden = made.manifest.items.reduce(0) { $0 + $1.redactions.values.reduce(0, +) }
        return BundleDownloadPage(
            bundleID: made.bundleID, caseID: entry.caseID, caseLabel: entry.caseLabel,
            facts: [Fact(label: "Meeting", value: entry.options.meeting), Fact(label: "For", value: made.manifest.recipient),
                    Fact(label: "Pages", value: String(made.pages)), Fact(label: "Documents", value: String(made.manifest.items.count)),
                    Fact(label: "Details hidden", value: String(hidden)), Fact(label: "Policy", value: entry.options.policyLabel),
                    Fact(label: "PDF SHA-256", value: made.manifest.pdfSHA256)],
            pdfName: "\(made.bundleID).pdf", manifestName: "\(made.bundleID).pdf.manifest.json")
    }
}

extension WebHandlers {
    /// The wizard's POST: "check" shows the dry run above the same choices; "export" makes the bundle and goes to its
    /// download page. Consent warnings to acknowledge come back on the form; pressing a button again acknowledges them.
    func bundleStep(_ request: Request, caseText: String, shelf: BundleShelf) async throws -> Response {
        let (token, form) = try await checkedMultiForm(request)
        let choices = BundleChoices(form)
        let helper = try backend.bundleHelper()
        let owner = try backend.formToken(sessionToken: token)
        let exporting = form["step"] == "export"
        let step: BundleStepResult = try await backend.withVault(token: token) { vault in
            vault.acknowledged = choices.acknowledged
            let context = try BundleFormBuilder.context(vault, caseText: caseText)
            if let problem = choices.problem {
                return .form(BundleFormBuilder.page(context, choices: choices, problem: problem))
            }
            let options: BundleExportOptions
            do {
                options = try choices.options(defaults: context.defaultIDs)
            } catch let error as BundleChoices.Problem {
                return .form(BundleFormBuilder.page(context, choices: choices, problem: error.text))
            }
            do {
                if exporting {
                    let made = try CaseBundleExport.make(vault: vault, caseText: context.caseID, options: options, helper: helper)
                    return .made(BundleShelf.Entry(owner: owner, caseID: context.caseID, caseLabel: context.caseLabel, options: options,
                                                   acknowledged: choices.acknowledged, made: made, madeAt: Date()))
                }
                let run = try CaseBundleExport.dryRun(vault: vault, caseText: context.caseID, options: options, helper: helper)
                return .form(BundleFormBuilder.page(context, choices: choices, plan: BundleFormBuilder.plan(run, includeUnreviewed: options.includeUnreviewed)))
            } catch AccessError.acknowledgementNeeded(let check, let missing) {
                var read = choices
                read.acknowledged = (choices.acknowledged + missing).uniqued()
                return .form(BundleFormBuilder.page(context, choices: read, warnings: WebPageBuilders.acknowledgementWarnings(check, missing)))
            } catch let error as BundleExportError {
                return .form(BundleFormBuilder.page(context, choices: choices, problem: BundleFormBuilder.words(error)))
            } catch let error as BundleError {
                return .form(BundleFormBuilder.page(context, choices: choices, problem: BundleFormBuilder.words(error)))
            }
        }
        switch step {
        case .made(let entry):
            shelf.put(entry)
            return WebHTTP.redirect("/bundles/\(entry.made.bundleID)")
        case .form(let page):
            let status: HTTPResponse.Status = page.problem == nil ? .ok : .unprocessableContent
            let title = page.problem == nil ? (page.plan == nil ? "Make a meeting bundle" : "Check the bundle") : "Make a meeting bundle (there is a problem)"
            return WebHTTP.html(renderer.render("bundle", title: title, signedIn: true, formToken: owner, page: page), status: status)
        }
    }

    /// One of a kept bundle's files, to the session that made it: the consent rules are asked again for its recipient
    /// (a withdrawal since the export stops it) and the download is audited by the core before any byte leaves.
    func bundleDownload(_ request: Request, id: String, file: String, shelf: BundleShelf) async throws -> Response {
        let (token, _) = try await checkedForm(request)
        guard let entry = shelf.get(id, owner: try backend.formToken(sessionToken: token)) else { throw BundlePages.gone }
        try await backend.withVault(token: token) { vault in
            vault.acknowledged = entry.acknowledged
            _ = try CaseBundleExport(vault: vault, caseText: entry.caseID, options: entry.options)
            try vault.recordBundleDownload(bundleID: entry.made.bundleID, caseID: CaseID(entry.caseID), file: file)
        }
        let (bytes, name, type) = file == "pdf" ? (entry.made.pdf, "\(id).pdf", "application/pdf")
            : (entry.made.manifestFile, "\(id).pdf.manifest.json", "application/json")
        // The bundle id is ours ("bun-" and hex), so the file name needs no quoting beyond the quotes.
        return WebHTTP.secure(Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
                                       body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))))
    }
}

enum BundleStepResult: Sendable {
    case form(BundleFormPage)
    case made(BundleShelf.Entry)
}
