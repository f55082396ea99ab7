import Foundation
@testable import PDFRender

/// A one-page PDF written byte by byte, for what cairo never writes: glyphs shown in pieces, character spacing
/// (Tc), invisible text (render mode 3), a soft hyphen or a ligature glyph chosen by name, text over a picture.
/// The font is the standard Helvetica (no file embedded; poppler substitutes a system font), with WinAnsi
/// encoding plus two glyphs by name: byte 0x80 is the "fi" ligature, byte 0x81 the soft hyphen.
enum RawPDF {
    /// A grey picture for the page: one byte a pixel, top row first.
    struct Image {
        var width: Int
        var height: Int
        var gray: [UInt8]
        /// Where it is drawn, in points from the page's bottom-left corner (PDF space).
        var x: Double, y: Double, drawnWidth: Double, drawnHeight: Double

        /// A raster drawn at `box` (points, PDF space) on the page.
        init(_ raster: Raster, x: Double, y: Double, width: Double, height: Double) {
            self.width = raster.width
            self.height = raster.height
            gray = raster.grayscale()
            self.x = x
            self.y = y
            drawnWidth = width
            drawnHeight = height
        }
    }

    /// Content-stream rectangles that draw the raster's dark pixels at `x, y` (points, PDF space, bottom-left)
    /// scaled to `width × height`: a picture drawn as vector paths, with no image and no text.
    static func paths(of raster: Raster, x: Double, y: Double, width: Double, height: Double) -> String {
        let gray = raster.grayscale()
        let sx = width / Double(raster.width), sy = height / Double(raster.height)
        var out = "0 g\n"
        for row in 0..<raster.height {
            var column = 0
            while column < raster.width {
                guard gray[row * raster.width + column] < 128 else { column += 1; continue }
                let start = column
                while column < raster.width, gray[row * raster.width + column] < 128 { column += 1 }
                let top = y + height - Double(row + 1) * sy
                out += String(format: "%.2f %.2f %.2f %.2f re\n", x + Double(start) * sx, top, Double(column - start) * sx, sy)
            }
        }
        return out + "f\n"
    }

    static let ligatureFi: UInt8 = 0x80
    static let softHyphen: UInt8 = 0x81

    /// Content-stream bytes from a string whose characters are all below U+0100 (written as Latin-1 bytes).
    static func bytes(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    /// An A4 page whose content stream is `content` (the picture, if any, is painted first as /Im1).
    static func page(content: [UInt8], image: Image? = nil) -> [UInt8] {
        var objects: [[UInt8]] = []
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding "
            + "/Differences [128 /fi /sfthyphen] >> >>"
        var stream: [UInt8] = []
        if let image {
            stream += bytes("q \(image.drawnWidth) 0 0 \(image.drawnHeight) \(image.x) \(image.y) cm /Im1 Do Q\n")
        }
        stream += content
        let xobjects = image == nil ? "" : " /XObject << /Im1 6 0 R >>"
        objects.append(bytes("<< /Type /Catalog /Pages 2 0 R >>"))
        objects.append(bytes("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"))
        objects.append(bytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >>\(xobjects) >> /Contents 5 0 R >>"))
        objects.append(bytes(font))
        objects.append(bytes("<< /Length \(stream.count) >>\nstream\n") + stream + bytes("\nendstream"))
        if let image {
            objects.append(bytes("<< /Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) /ColorSpace /DeviceGray "
                + "/BitsPerComponent 8 /Length \(image.gray.count) >>\nstream\n") + image.gray + bytes("\nendstream"))
        }
        return assemble(objects)
    }

    /// A PDF whose page tree has no pages (it opens, and has nothing to show).
    static func noPages() -> [UInt8] {
        assemble([bytes("<< /Type /Catalog /Pages 2 0 R >>"), bytes("<< /Type /Pages /Kids [] /Count 0 >>")])
    }

    static func assemble(_ objects: [[UInt8]]) -> [UInt8] {
        var out = bytes("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n")
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += bytes("\(index + 1) 0 obj\n") + body + bytes("\nendobj\n")
        }
        let xref = out.count
        out += bytes("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n")
        for offset in offsets { out += bytes(String(format: "%010d 00000 n \n", offset)) }
        out += bytes("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        return out
    }
}
