import Foundation
import XCTest
import ZIPFoundation

/// A minimal .docx around a `word/document.xml` (the same as RedactionTests' corpus helper: test targets cannot
/// share code), made with ZIPFoundation so the extractor is checked against an independent ZIP writer.
enum DocxArchive {
    static func make(_ documentXML: Data) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let contentTypes = Data(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)
        for (path, data) in [("[Content_Types].xml", contentTypes), ("word/document.xml", documentXML)] {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try XCTUnwrap(archive.data)
    }
}
