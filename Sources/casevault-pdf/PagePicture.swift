import Foundation
import PDFRender

/// `__pagepng --page N`: one page of an untrusted PDF as a PNG, for the web interface's document page. The answer is
/// the page count (4 bytes, big-endian) then the PNG (none when the page does not exist or cannot be drawn; a
/// count of 0 when the PDF cannot be read). 100 dpi: legible on a screen, and small (about 100 KB a page).
enum PagePicture {
    static let dpi = 100.0

    static func respond(pdf: [UInt8], page: Int) -> [UInt8] {
        guard let source = try? PDFSource(data: pdf) else { return count(0) }
        let pages = source.pageCount
        guard page >= 0, page < pages, let raster = try? source.render(page: page, dpi: dpi) else { return count(pages) }
        return count(pages) + raster.pngData()
    }

    static func count(_ pages: Int) -> [UInt8] {
        let value = UInt32(clamping: pages)
        return [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
