import BundleModel
import Foundation

extension PDFHelper {
    /// One page of a PDF drawn as a PNG, in a confined child (`casevault-pdf __pagepng`), and the PDF's page count.
    /// `png` is empty when the page does not exist or could not be drawn; nil when the child gave no answer (a limit
    /// broken, no helper).
    public func page(_ pdf: [UInt8], index: Int) -> (pageCount: Int, png: [UInt8])? {
        let limits = AnalysisLimits(seconds: 15, memoryBytes: 1 << 30)
        guard let answer = try? ChildProcessAnalysis(program: program).run(pdf, limits: limits, command: "__pagepng",
                                                                           options: ["--page", String(index)]),
              answer.count >= 4 else { return nil }
        let count = answer.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        return (count, Array(answer.dropFirst(4)))
    }
}
