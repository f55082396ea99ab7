internal import CSystemZlib
import Foundation

// .docx: a ZIP of XML parts, read without a ZIP library (stored and deflated entries, bounded sizes).

/// `.docx`: `word/document.xml` read from the archive in memory; paragraphs become lines, tabs and breaks kept.
enum DocxExtractor {
    static func extract(_ data: Data) throws(ExtractionError) -> ExtractedText {
        // Not ZIPFoundation: on hostile input its in-memory reader (0.9.20) traps when an archive points before
        // or past its own bytes and its extract never returns on a truncated deflate stream (all found by the
        // fuzzer; Fuzz/regressions/docx-*). A .docx needs only the directory and one entry, so both are read
        // here with every offset checked, and the entry is inflated with zlib under a size cap.
        let bytes = [UInt8](data)
        let directory = try ZipStructure.validate(bytes)
        guard let located = directory["word/document.xml"] else { throw .missingPart("word/document.xml") }
        guard located.uncompressedSize <= TextExtractor.maximumTextBytes else { throw .tooLarge(limit: TextExtractor.maximumTextBytes) }
        let compressed = bytes[located.dataStart..<(located.dataStart + located.compressedSize)]
        let xml: [UInt8]
        switch located.method {
        case 0: xml = Array(compressed)
        case 8: xml = try Inflate.raw(compressed, limit: TextExtractor.maximumTextBytes)
        default: throw .malformed("word/document.xml uses an unsupported compression method")
        }
        return ExtractedText(body: text(ofDocumentXML: xml))
    }

    /// A small tokenizer for WordprocessingML: text runs (`w:t`), tabs, breaks and paragraph ends.
    static func text(ofDocumentXML xml: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(xml.count / 4)
        var index = 0
        var inText = false
        while index < xml.count {
            let byte = xml[index]
            if byte == UInt8(ascii: "<") {
                var end = index + 1
                while end < xml.count, xml[end] != UInt8(ascii: ">") { end += 1 }
                let tag = xml[(index + 1)..<min(end, xml.count)]
                let closing = tag.first == UInt8(ascii: "/")
                let nameBytes = (closing ? tag.dropFirst() : tag[...]).prefix { $0 != 0x20 && $0 != UInt8(ascii: "/") && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                switch name {
                case "w:t": inText = !closing && tag.last != UInt8(ascii: "/")
                case "w:p": if closing || tag.last == UInt8(ascii: "/") { out.append(0x0A) }
                case "w:tab": out.append(0x09)
                case "w:br", "w:cr": out.append(0x0A)
                default: break
                }
                index = end + 1
                continue
            }
            if inText { out.append(byte) }
            index += 1
        }
        var text = XMLText.decodeEntities(String(decoding: out, as: UTF8.self))
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// Bounds checks on a ZIP archive's directory before any library reads it: every offset and size must lie
/// inside the data. ZIP64 is refused (a .docx within our size cap never needs it).
enum ZipStructure {
    static let maximumEntries = 10_000

    struct Located {
        var method: Int
        var compressedSize: Int
        var uncompressedSize: Int
        var dataStart: Int
    }

    /// Every entry by name, once each offset and size has been checked to lie inside the data.
    @discardableResult
    static func validate(_ bytes: [UInt8]) throws(ExtractionError) -> [String: Located] {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 22 else { throw .notAZipArchive }
        // The end-of-central-directory record: searched backwards over at most a maximal comment.
        var end = -1
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while position >= lowest {
            if u32(position) == 0x0605_4B50, position + 22 + u16(position + 20) == bytes.count {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw .notAZipArchive }
        let entries = u16(end + 10), directorySize = u32(end + 12), directoryOffset = u32(end + 16)
        guard entries != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF, entries <= maximumEntries,
              directoryOffset + directorySize <= end else { throw .malformed("the archive's directory lies outside the file") }
        var located: [String: Located] = [:]
        var cursor = directoryOffset
        for _ in 0..<entries {
            guard cursor + 46 <= directoryOffset + directorySize, u32(cursor) == 0x0201_4B50 else {
                throw .malformed("the archive's directory is damaged")
            }
            let method = u16(cursor + 10)
            let compressed = u32(cursor + 20), uncompressed = u32(cursor + 24)
            let nameLength = u16(cursor + 28), extraLength = u16(cursor + 30), commentLength = u16(cursor + 32)
            let localOffset = u32(cursor + 42)
            guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
                throw .malformed("ZIP64 archives are not accepted")
            }
            guard cursor + 46 + nameLength <= directoryOffset + directorySize else { throw .malformed("the archive's directory is damaged") }
            guard localOffset + 30 <= directoryOffset, u32(localOffset) == 0x0403_4B50 else {
                throw .malformed("an archive entry points outside the file")
            }
            let dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard dataStart + compressed <= directoryOffset else { throw .malformed("an archive entry runs past the end of the file") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            located[name] = Located(method: method, compressedSize: compressed, uncompressedSize: uncompressed, dataStart: dataStart)
            cursor += 46 + nameLength + extraLength + commentLength
        }
        guard cursor <= directoryOffset + directorySize else { throw .malformed("the archive's directory is damaged") }
        return located
    }
}

/// Raw deflate (as ZIP stores it) with zlib, stopping at `limit` bytes of output or when the stream stops
/// making progress (truncated or corrupt input).
enum Inflate {
    static func raw(_ input: ArraySlice<UInt8>, limit: Int) throws(ExtractionError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var source = Array(input)
        let status: Int32 = source.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let before = stream.avail_in
                let produced: Int
                let result: Int32
                (result, produced) = chunk.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = uInt(outputBuffer.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    return (result, outputBuffer.count - Int(stream.avail_out))
                }
                output += chunk[0..<produced]
                if output.count > limit { return -100 }
                if result == Z_STREAM_END { return Z_STREAM_END }
                guard result == Z_OK || result == Z_BUF_ERROR else { return result }
                if produced == 0 && stream.avail_in == before { return Z_BUF_ERROR }   // no progress: truncated
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case -100: throw .tooLarge(limit: limit)
        default: throw .malformed("word/document.xml is not a complete deflate stream")
        }
    }
}
