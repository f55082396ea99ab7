import BundleModel
import Foundation
import PDFRender

/// The whole work of `casevault-pdf __bundle`: a `BundleJob` in, a `BundleJobAnswer` out. The untrusted PDFs and
/// images of the job are still read by `runner` (a confined child of the helper), as they were when casevault
/// made the bundle itself.
public enum BundleJobResponse {
    public static func respond(to request: [UInt8], runner: DocumentAnalysisRunner, environment: [String: String]) -> [UInt8] {
        let answer: BundleJobAnswer
        do {
            var job = try BundleJob.decode(request)
            defer { for index in job.sources.indices { job.sources[index].plaintext.wipe() } }
            answer = outcome(of: job, runner: runner, ocr: OCREngine.make(environment: environment))
        } catch {
            answer = .failed(.failed("the helper could not read the documents it was sent"))
        }
        return (try? answer.encoded()) ?? Array("casevault-bundle-answer/1\n".utf8) + [2]
    }

    static func outcome(of job: BundleJob, runner: DocumentAnalysisRunner, ocr: OCREngine?) -> BundleJobAnswer {
        let exporter = BundleExporter(request: job.request, sources: job.sources, ocr: ocr, runner: runner)
        do {
            switch job.mode {
            case .plan:
                let plan = try exporter.plan()
                return .done(BundleOutcome(pdf: [], manifest: nil, reports: plan.reports, pages: plan.pages, timings: plan.timings,
                                           leakCheckSeconds: nil, leftOut: plan.leftOut, ocrAvailable: ocr != nil))
            case .export:
                let result = try exporter.exportUnsigned()
                return .done(BundleOutcome(pdf: result.pdf, manifest: result.manifest, reports: result.reports, pages: result.pages,
                                           timings: result.timings, leakCheckSeconds: result.leakCheckSeconds, leftOut: result.leftOut,
                                           ocrAvailable: ocr != nil))
            }
        } catch let error as BundleError {
            return .failed(.bundle(error))
        } catch let error as PDFError {
            return .failed(.pdf(error.description))
        } catch {
            // Its text is not passed on: it might quote a document.
            return .failed(.failed(String(describing: type(of: error))))
        }
    }
}
