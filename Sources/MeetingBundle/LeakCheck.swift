import BundleModel
import Foundation
import PDFRender
import Redaction

/// The last line of defence: read the finished PDF back the way a recipient could (its text layer, its
/// metadata and annotations, and OCR of its image pages) and look for every string that was redacted.
struct LeakCheck {
    let redacted: [RedactedString]
    /// Everyone and everything registered on the case: searched for as well, so a name that redaction missed
    /// everywhere (hidden with invisible characters, say) is still caught.
    let context: RedactionContext
    let policy: RedactionPolicy
    /// Which document each bundle page came from, so a leak is blamed on the page's own document.
    let pageOwners: [Int: String]

    struct Leak: Equatable {
        var documentID: String?
        var kind: String
        var location: String
    }

    /// Folded to letters and digits, so "Mrs  JONES," and "mrs jones" compare equal.
    static func key(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .unicodeScalars.split { !CharacterSet.alphanumerics.contains($0) }.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// `readByOCR`: OCR is available, so pages drawn from pixels that their text does not explain are read back by it.
    func findLeaks(in pdf: [UInt8], rasterPages: [Int: PagePlan], readByOCR: Bool, dpi: Double) throws -> [Leak] {
        let terms = Array(Set(redacted.map(\.text)))
        // The phrase matcher of the redaction engine (with its normalisation), given the registered people and
        // terms under the bundle's policy and the redacted strings as custom terms: it finds them across line
        // breaks, in any case and behind invisible or look-alike characters, and honours the allow-list as
        // redaction did. The shape detectors are left out: the bundle's own cover, dates and references would
        // trip them, and what they found is among the redacted strings.
        let registered = RedactionContext(people: context.people, customTerms: context.customTerms + terms, allowList: context.allowList)
        let matcher = Redactor(context: registered, policy: policy)
        let phraseDetectors: Set<Detector> = [.knownPerson, .knownAddress, .knownIdentifier, .customTerm]
        // Identifier shapes count wherever they come from (a registered identifier merged with the shape
        // detector's span of the same text is named by either); the policy has already dropped kept kinds.
        let identifierKinds: Set<RedactionKind> = [.nhsNumber, .nino, .email, .phone]
        var owners: [String: RedactedString] = [:]
        for item in redacted { owners[Self.key(item.text)] = owners[Self.key(item.text)] ?? item }

        let document = try PDFSource(data: pdf)
        var leaks: [Leak] = []
        func search(_ text: String, page: Int?, location: String) {
            for span in matcher.spans(in: text) where phraseDetectors.contains(span.detectorID) || identifierKinds.contains(span.kind) {
                let owner = owners[Self.key(String(text[span.range(in: text)]))]
                leaks.append(Leak(documentID: page.flatMap { pageOwners[$0] } ?? owner?.documentID, kind: owner?.kind.rawValue ?? "redacted text",
                                  location: location))
            }
        }
        for text in try document.hiddenText() { search(text, page: nil, location: "the document's metadata or annotations") }
        for page in stride(from: 1, through: document.pageCount, by: 1) {
            search(try document.text(ofPage: page - 1), page: page, location: "page \(page)")
            // A page drawn from a text layer that explains every mark on it shows that text minus the boxes.
            if let plan = rasterPages[page], !plan.readByOCR { search(plan.visibleText, page: page, location: "page \(page)") }
        }
        if readByOCR {
            let pages = rasterPages.filter { $0.value.readByOCR }.keys.sorted()
            for (page, text) in try Self.read(pages, of: pdf, dpi: dpi) { search(text, page: page, location: "page \(page) (read by OCR)") }
        }
        return leaks
    }

    /// OCR of the finished pages, one engine and one copy of the PDF per core (neither poppler documents nor
    /// tesseract engines are shared between threads).
    static func read(_ pages: [Int], of pdf: [UInt8], dpi: Double) throws -> [(Int, String)] {
        guard !pages.isEmpty else { return [] }
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var texts: [(Int, String)] = []
            var failure: Error?
        }
        let shared = Shared()
        let workers = min(pages.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            do {
                guard let ocr = OCREngine.make(environment: [:]) else { throw BundleError.checkFailed(reason: "OCR could not be started again") }
                let document = try PDFSource(data: pdf)
                while true {
                    shared.lock.lock()
                    let index = shared.next
                    shared.next += 1
                    shared.lock.unlock()
                    guard index < pages.count else { return }
                    let words = ocr.recognize(try document.render(page: pages[index] - 1, dpi: dpi)).words.map(\.text)
                    shared.lock.lock()
                    shared.texts.append((pages[index], words.joined(separator: " ")))
                    shared.lock.unlock()
                }
            } catch {
                shared.lock.lock()
                shared.failure = error
                shared.lock.unlock()
            }
        }
        if let failure = shared.failure { throw failure }
        return shared.texts.sorted { $0.0 < $1.0 }
    }
}
