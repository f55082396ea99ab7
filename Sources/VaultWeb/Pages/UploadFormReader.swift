import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import VaultCore

/// Reads the upload form's `multipart/form-data` body as it arrives, part by part: each chosen file goes straight
/// into its own `IngestBuffer` (memory, never a file in clear), the small fields into strings. The form's token
/// (CSRF) must be its first part and is checked the moment that part ends, so a form from another site is refused
/// before any file of it is read. Everything is capped while reading, whatever the headers claimed.
final class UploadFormReader {
    struct File {
        /// The form field, `file_1` …: its kind and date come in `kind_1`, `date_1`.
        let field: String
        /// The file's name as the browser sent it (only the last part of a path).
        let name: String
        let buffer: IngestBuffer
    }

    /// More parts than a form of this size can have is not our form.
    static let maxParts = 64
    static let maxFieldBytes = 1024

    private(set) var fields: [String: String] = [:]
    private(set) var files: [File] = []
    private let parser: MultipartParser
    private let maxBytes: Int64
    private let tokenMatches: (String?) -> Bool

    // The part being read.
    private var headers: [String: String] = [:]
    private var text: [UInt8] = []
    private var buffer: IngestBuffer?
    private var parts = 0
    private var failure: (any Error)?

    init(boundary: String, maxBytes: Int64, tokenMatches: @escaping (String?) -> Bool) {
        parser = MultipartParser(boundary: boundary)
        self.maxBytes = maxBytes
        self.tokenMatches = tokenMatches
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value }
        parser.onBody = { [unowned self] body in self.body(&body) }
        parser.onPartComplete = { [unowned self] in partComplete() }
    }

    /// Frees every file's memory (the request's end, whatever happened).
    func close() {
        buffer?.close()
        for file in files { file.buffer.close() }
    }

    func read(_ body: RequestBody) async throws {
        var total: Int64 = 0
        for try await chunk in body {
            total += Int64(chunk.readableBytes)
            guard total <= maxBytes else { throw Self.tooLarge(maxBytes) }
            do { try parser.execute(chunk) } catch { throw WebPageError(.badRequest, "The upload did not arrive whole. Go back and try again.") }
            if let failure { throw failure }
        }
        guard parts > 0, fields["form_token"] != nil else {
            throw WebPageError(.forbidden, "This form had expired or did not come from this site. Go back, reload the page and try again.")
        }
    }

    static func tooLarge(_ maxBytes: Int64) -> WebPageError {
        WebPageError(.contentTooLarge, "Those files are larger than this server accepts at once (\(maxBytes / (1 << 20)) MB in all). "
                     + "Add fewer files at a time, or ask your administrator.")
    }

    private func body(_ chunk: inout ByteBuffer) {
        guard failure == nil else { return }
        if parts == 0 && name != "form_token" {
            failure = WebPageError(.forbidden, "This form had expired or did not come from this site. Go back, reload the page and try again.")
            return
        }
        if let filename {
            // A file slot left empty arrives as a part with no name and no bytes.
            guard !filename.isEmpty else { return }
            do {
                if buffer == nil { buffer = try IngestBuffer() }
                try chunk.withUnsafeReadableBytes { try buffer?.append($0) }
            } catch {
                failure = error
            }
        } else {
            guard text.count + chunk.readableBytes <= Self.maxFieldBytes else {
                failure = WebPageError(.badRequest, "A field of the form was far too long. Go back and try again.")
                return
            }
            text += chunk.readableBytesView
        }
    }

    private func partComplete() {
        defer {
            headers = [:]
            text = []
            buffer = nil
            parts += 1
        }
        guard failure == nil else { buffer?.close(); return }
        guard parts < Self.maxParts, let name else {
            failure = WebPageError(.badRequest, "The upload did not arrive as this site's form. Go back and try again.")
            return
        }
        if parts == 0 {
            let token = String(decoding: text, as: UTF8.self)
            guard name == "form_token", tokenMatches(token) else {
                failure = WebPageError(.forbidden, "This form had expired or did not come from this site. Go back, reload the page and try again.")
                return
            }
        }
        if let filename {
            guard !filename.isEmpty else { return }
            // A chosen file with no bytes at all still needs its buffer, so it is reported rather than lost.
            guard let stored = buffer ?? (try? IngestBuffer()) else { return }
            files.append(File(field: name, name: filename, buffer: stored))
        } else {
            fields[name] = String(decoding: text, as: UTF8.self)
        }
    }

    private var name: String? { Self.parameter("name", in: headers["content-disposition"]) }
    private var filename: String? { Self.parameter("filename", in: headers["content-disposition"]) }

    /// `form-data; name="file_1"; filename="Letter from PALS.txt"`: one parameter's value, unquoted. Browsers
    /// percent-encode a quote and line breaks in names (%22, %0D, %0A) and send everything else as it is.
    static func parameter(_ wanted: String, in header: String?) -> String? {
        guard let header else { return nil }
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = rest[..<equals].lowercased()
            var value = rest[rest.index(after: equals)...]
            var parsed = ""
            if value.first == "\"" {
                // No backslash escapes (HTML's form encoding has none): a quote inside arrives as %22.
                value = value.dropFirst()
                let end = value.firstIndex(of: "\"") ?? value.endIndex
                parsed = String(value[..<end]).replacingOccurrences(of: "%22", with: "\"").replacingOccurrences(of: "%0D", with: "\r")
                    .replacingOccurrences(of: "%0A", with: "\n")
                rest = end < value.endIndex ? value[value.index(after: end)...] : value[value.endIndex...]
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                parsed = String(value[..<end]).trimmingCharacters(in: .whitespaces)
                rest = value[end...]
            }
            if key == wanted { return parsed }
        }
        return nil
    }
}

extension WebHandlers {
    /// A `multipart/form-data` form with files (the upload form, the situation form), read as it arrives: the
    /// session's token, its form token (checked on the form's first part, before any file is read) and the reader
    /// holding the fields and the files in memory. The caller closes the reader when the request ends.
    func readFileForm(_ request: Request, notAForm: String) async throws -> (token: String, formToken: String, reader: UploadFormReader) {
        let token = try sessionToken(request)
        guard let boundary = Self.boundary(request.headers[.contentType]) else { throw WebPageError(.badRequest, notAForm) }
        // The form's own fields add a little to the files; anything announced far beyond the limit is refused unread.
        let limit = backend.maxUploadBytes + 64 * 1024
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > limit { throw UploadFormReader.tooLarge(limit) }
        let expected = try backend.formToken(sessionToken: token)
        let reader = UploadFormReader(boundary: boundary, maxBytes: limit) { WebHTTP.tokensMatch($0, expected) }
        do {
            try await reader.read(request.body)
        } catch {
            reader.close()
            throw error
        }
        return (token, expected, reader)
    }
}
