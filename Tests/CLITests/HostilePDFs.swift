import CSystemZlib
import Foundation

/// PDFs built byte by byte to stall or exhaust a PDF reader, the way a hostile sender would, plus a plain
/// one. Each is small on disk; what it costs is in what it asks the reader to do.
enum HostilePDFs {
    /// A PDF of `objects` (object 1 is the catalog), with a correct cross-reference table.
    static func assemble(_ objects: [[UInt8]]) -> [UInt8] {
        var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    static func stream(_ dictionary: String, _ data: [UInt8]) -> [UInt8] {
        Array("<< /Length \(data.count) \(dictionary) >>\nstream\n".utf8) + data + Array("\nendstream".utf8)
    }

    static func object(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let catalog = object("<< /Type /Catalog /Pages 2 0 R >>")
    static let pages = object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")

    /// One page of Helvetica text.
    static func plain(_ text: String) -> [UInt8] {
        assemble([catalog, pages,
                  object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F 5 0 R >> >> >>"),
                  stream("", Array("BT /F 14 Tf 72 700 Td (\(text)) Tj ET".utf8)),
                  object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")])
    }

    /// A form XObject that draws the next one `fan` times, `levels` deep: fan^levels fills from a 5 KB file.
    static func fanOut(levels: Int = 10, fan: Int = 10) -> [UInt8] {
        var objects = [catalog, pages,
                       object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>"),
                       stream("", Array("/X Do".utf8))]
        for level in 0..<levels {
            let number = 5 + level
            if level < levels - 1 {
                objects.append(stream("/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /XObject << /X \(number + 1) 0 R >> >>",
                                      Array(String(repeating: "q 0.9 0 0 0.9 1 1 cm /X Do Q ", count: fan).utf8)))
            } else {
                objects.append(stream("/Type /XObject /Subtype /Form /BBox [0 0 200 200]", Array("0 0 10 10 re f".utf8)))
            }
        }
        return assemble(objects)
    }

    /// A page whose content stream inflates to `gibibytes` GiB of drawing operators, from a few MB. Built with
    /// zlib: each MiB is compressed after a full flush, so its compressed form repeats byte for byte and is
    /// copied rather than compressed again. (The Adler-32 at the end is that of the first chunks only; a
    /// reader would only find out after inflating everything.)
    static func flateBomb(gibibytes: Int = 4) -> [UInt8] {
        let chunk = Array(String(repeating: "q 1 0 0 1 0 0 cm 0 0 1 1 re f Q\n", count: 32_768).utf8)
        var stream = z_stream()
        precondition(CSystemZlibShims_deflateInit(&stream, 9) == Z_OK)
        defer { deflateEnd(&stream) }
        func deflated(_ input: [UInt8], flush: Int32) -> [UInt8] {
            var input = input, output: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 1 << 16)
            input.withUnsafeMutableBufferPointer { source in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                repeat {
                    buffer.withUnsafeMutableBufferPointer { target in
                        stream.next_out = target.baseAddress
                        stream.avail_out = UInt32(target.count)
                        _ = deflate(&stream, flush)
                        output += target[0..<(target.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0
            }
            return output
        }
        let first = deflated(chunk, flush: Z_FULL_FLUSH)
        let repeated = deflated(chunk, flush: Z_FULL_FLUSH)
        precondition(deflated(chunk, flush: Z_FULL_FLUSH) == repeated, "a fully flushed chunk compresses the same each time")
        var data = first
        for _ in 0..<(gibibytes * 1024 - 1) { data += repeated }
        data += deflated([], flush: Z_FINISH)
        return assemble([catalog, pages, object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"),
                         Self.stream("/Filter /FlateDecode", data)])
    }

    /// A page tree nested `depth` levels deep (each /Pages node holds only the next).
    static func deeplyNested(depth: Int = 300_000) -> [UInt8] {
        var objects = [catalog]
        for _ in 0..<depth { objects.append(object("<< /Type /Pages /Kids [\(objects.count + 2) 0 R] /Count 1 >>")) }
        objects.append(object("<< /Type /Page /MediaBox [0 0 200 200] >>"))
        return assemble(objects)
    }

    /// A Type3 font whose only glyph draws itself twice: every glyph drawn draws two more, without end.
    static func selfDrawingType3Glyph() -> [UInt8] {
        assemble([catalog, pages,
                  object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F 5 0 R >> >> >>"),
                  stream("", Array("BT /F 12 Tf 10 10 Td (a) Tj ET".utf8)),
                  object("<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /a 6 0 R >> "
                         + "/Encoding << /Type /Encoding /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000] /Resources << /Font << /F 5 0 R >> >> >>"),
                  stream("", Array("1000 0 0 0 1000 1000 d1 BT /F 1000 Tf 0 0 Td (aa) Tj ET 0 0 1000 1000 re f".utf8))])
    }
}
