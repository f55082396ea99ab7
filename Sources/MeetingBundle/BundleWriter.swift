import BundleModel
import Foundation
import PDFRender

/// Draws the bundle: a cover, an index with links, then each document's pages in order, every page with
/// the bundle's own page number (bottom right, "Page N of M") and a footer naming the meeting.
struct BundleWriter {
    let request: BundleRequest
    let composer: PDFComposer
    let sources: [BundleSource]

    /// Index rows with the pages they take, worked out before drawing so that page numbers are known.
    struct IndexLayout {
        var rowsPerPage: [[Int]]
        var rowHeights: [Double]
    }

    static let indexTop = BundleStyle.margin + 60
    static let columns = (tab: 36.0, date: 100.0, pages: 56.0)
    static var titleWidth: Double { BundleStyle.textWidth - columns.tab - columns.date - columns.pages - 12 }

    func indexLayout(_ documents: [AnalysedDocument]) -> IndexLayout {
        let heights = documents.map { composer.measure($0.title, style: BundleStyle.tableCell, width: Self.titleWidth) + 8 }
        let available = PageSize.a4.height - BundleStyle.margin - BundleStyle.footerHeight - Self.indexTop - 24
        var pages: [[Int]] = [[]]
        var used = 0.0
        for (row, height) in heights.enumerated() {
            if used + height > available, !pages[pages.count - 1].isEmpty {
                pages.append([])
                used = 0
            }
            pages[pages.count - 1].append(row)
            used += height
        }
        return IndexLayout(rowsPerPage: pages, rowHeights: heights)
    }

    /// Assigns tabs and bundle page ranges; returns the total page count.
    static func number(_ documents: inout [AnalysedDocument], indexPages: Int) -> Int {
        var next = 1 + indexPages + 1
        for index in documents.indices {
            documents[index].report.tab = index + 1
            let count = documents[index].pageCount
            if count > 0 {
                documents[index].report.firstPage = next
                documents[index].report.lastPage = next + count - 1
                next += count
            }
        }
        return next - 1
    }

    /// Returns, for each bundle page drawn from pixels, what the leak check must do with it.
    func draw(_ documents: [AnalysedDocument], index: IndexLayout, totalPages: Int) throws -> [Int: PagePlan] {
        var page = 0
        func footer(size: PageSize) {
            page += 1
            let y = size.height - BundleStyle.footerHeight + 6
            composer.text("\(request.meeting) · \(request.date) · CONFIDENTIAL", style: BundleStyle.small,
                          x: BundleStyle.margin, y: y + 2, width: size.width - 2 * BundleStyle.margin - 110)
            let numberBox = Box(x: size.width - BundleStyle.margin - 100, y: y - 3, width: 100, height: 16)
            composer.fill(numberBox, gray: 1)
            composer.text("Page \(page) of \(totalPages)", style: BundleStyle.pageNumber, x: numberBox.x, y: numberBox.y + 2, width: numberBox.width - 4)
        }

        composer.beginPage(size: .a4)
        composer.bookmark("Cover", toPage: 1)
        drawCover(documents: documents, totalPages: totalPages)
        footer(size: .a4)

        for (number, rows) in index.rowsPerPage.enumerated() {
            composer.beginPage(size: .a4)
            if number == 0 { composer.bookmark("Index", toPage: page + 1) }
            drawIndexPage(rows: rows.map { (documents[$0], index.rowHeights[$0]) }, continued: number > 0)
            footer(size: .a4)
        }

        var rasterPages: [Int: PagePlan] = [:]
        for document in documents {
            if let first = document.report.firstPage {
                composer.bookmark("Tab \(document.report.tab): \(document.title)", toPage: first)
            }
            switch document.content {
            case .typeset(let text):
                for pageIndex in 0..<text.pageCount {
                    composer.beginPage(size: .a4)
                    composer.draw(text, page: pageIndex, x: BundleStyle.margin, y: BundleStyle.margin)
                    footer(size: .a4)
                }
            case .pages(let plans):
                let source = sources[document.sourceIndex]
                for plan in plans {
                    // The raster the analysis rendered (each page is rendered once, at the resolution OCR read it).
                    guard let raster = plan.raster else {
                        throw BundleError.unreadable(documentID: source.documentID, reason: "page \(plan.number) was not kept from the analysis")
                    }
                    // Every page of the bundle is A4 portrait. Pages of other sizes (US letter, landscape scans)
                    // are scaled to fit, upright: a page turned on its side could not be read back by the leak
                    // check's OCR.
                    let size = PageSize.a4
                    let target: Box
                    switch plan.source {
                    case .pdf:
                        let original = plan.size ?? PageSize(width: Double(raster.width) * 72 / raster.dpi, height: Double(raster.height) * 72 / raster.dpi)
                        target = Self.fit(width: original.width, height: original.height,
                                          into: Box(x: 0, y: 0, width: size.width, height: size.height - BundleStyle.footerHeight))
                    case .image:
                        target = Self.fit(width: Double(raster.width), height: Double(raster.height),
                                          into: Box(x: BundleStyle.margin, y: BundleStyle.margin, width: size.width - 2 * BundleStyle.margin,
                                                    height: size.height - 2 * BundleStyle.margin - BundleStyle.footerHeight))
                    }
                    raster.blackOut(plan.boxes)
                    composer.beginPage(size: size)
                    composer.draw(raster, in: target)
                    if plan.flagged {
                        composer.text("Not checked by OCR: reviewed by hand", style: BundleStyle.small, x: BundleStyle.margin,
                                      y: size.height - BundleStyle.footerHeight - 12, width: 300)
                    }
                    footer(size: size)
                    // The leak check needs what the page is, not its pixels (cairo has its own copy by now).
                    var checked = plan
                    checked.raster = nil
                    rasterPages[page] = checked
                }
            }
        }
        return rasterPages
    }

    /// A box of the given proportions, as large as fits in `box`, centred across and at its top.
    static func fit(width: Double, height: Double, into box: Box) -> Box {
        let scale = min(box.width / width, box.height / height)
        let fitted = (width: width * scale, height: height * scale)
        return Box(x: box.x + (box.width - fitted.width) / 2, y: box.y, width: fitted.width, height: fitted.height)
    }

    private func drawCover(documents: [AnalysedDocument], totalPages: Int) {
        let left = BundleStyle.margin, width = BundleStyle.textWidth
        composer.text("CONFIDENTIAL", style: TextStyle(font: "DejaVu Sans Bold 12", gray: 0.45, alignment: .right), x: left, y: BundleStyle.margin, width: width)
        var y = BundleStyle.margin + 90
        y += composer.text("Meeting bundle", style: BundleStyle.heading, x: left, y: y, width: width) + 30
        let client = request.policy.keepClientName ? request.clientName : "withheld under the redaction policy"
        var fields = [("For", request.recipientName)]
        if let theirs = request.theirReference { fields.append(("Their reference", theirs)) }
        fields += [("Our reference", request.ourReference ?? request.caseID), ("Client", client), ("Meeting", request.meeting),
                   ("Prepared by", request.preparedBy), ("Date", request.date),
                   ("Contents", "\(documents.count) document\(documents.count == 1 ? "" : "s"), \(totalPages) pages including this cover and the index")]
        for (label, value) in fields {
            composer.text(label.uppercased(), style: BundleStyle.label, x: left, y: y, width: width)
            y += 14
            y += composer.text(value, style: BundleStyle.value, x: left, y: y, width: width) + 14
        }
        y += 20
        composer.text("""
            Personal information has been removed from this bundle under the advocacy service's redaction policy: \
            in typed pages it is replaced by a REDACTED label; pages that came from PDFs or scans are reproduced as \
            images with the removed parts blacked out. Page numbers at the bottom right are the bundle's own. A signed \
            manifest beside this file lets anyone check that the bundle has not been changed.
            """, style: TextStyle(font: "DejaVu Sans 9", gray: 0.25), x: left, y: y, width: width)
    }

    private func drawIndexPage(rows: [(AnalysedDocument, Double)], continued: Bool) {
        let left = BundleStyle.margin
        composer.text(continued ? "Index (continued)" : "Index", style: BundleStyle.heading, x: left, y: BundleStyle.margin, width: BundleStyle.textWidth)
        var y = Self.indexTop
        let (tabX, titleX) = (left, left + Self.columns.tab)
        let dateX = titleX + Self.titleWidth + 12, pagesX = dateX + Self.columns.date
        for (text, x, width) in [("Tab", tabX, Self.columns.tab), ("Document", titleX, Self.titleWidth), ("Date", dateX, Self.columns.date),
                                 ("Pages", pagesX, Self.columns.pages)] {
            composer.text(text, style: BundleStyle.tableHeader, x: x, y: y, width: width)
        }
        y += 18
        composer.fill(Box(x: left, y: y - 4, width: BundleStyle.textWidth, height: 0.8), gray: 0.3)
        for (document, height) in rows {
            let report = document.report
            let pages: String
            if let first = report.firstPage, let last = report.lastPage {
                pages = first == last ? "\(first)" : "\(first)–\(last)"
            } else {
                pages = "left out"
            }
            composer.text("\(report.tab)", style: BundleStyle.tableCell, x: tabX, y: y, width: Self.columns.tab)
            composer.text(document.title, style: BundleStyle.tableLink, x: titleX, y: y, width: Self.titleWidth)
            composer.text(BundleDates.display(report.date) ?? "undated", style: BundleStyle.tableCell, x: dateX, y: y, width: Self.columns.date)
            composer.text(pages, style: BundleStyle.tableCell, x: pagesX, y: y, width: Self.columns.pages)
            if let first = report.firstPage {
                composer.link(Box(x: left, y: y - 2, width: BundleStyle.textWidth, height: height - 4), toPage: first)
            }
            y += height
        }
    }
}
