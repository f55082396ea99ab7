import Foundation
import Hummingbird
import NIOCore

/// A button's `application/x-www-form-urlencoded` form whose names may repeat (a ticked checkbox per document):
/// `WebHTTP.urlEncodedForm` keeps one value per name, which would keep only the last document ticked.
struct WebMultiForm: Sendable {
    let pairs: [(String, String)]

    subscript(name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    init(_ text: String) {
        pairs = text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

extension WebHandlers {
    /// As `checkedForm`, keeping repeated names: the session's token and the form, after its form token matched (CSRF).
    func checkedMultiForm(_ request: Request) async throws -> (String, WebMultiForm) {
        let token = try sessionToken(request)
        let form = WebMultiForm(String(buffer: try await WebHTTP.body(request)))
        guard WebHTTP.tokensMatch(form["form_token"], try backend.formToken(sessionToken: token)) else {
            throw WebPageError(.forbidden, "This form had expired or did not come from this site. Go back, reload the page and try again.")
        }
        return (token, form)
    }

    /// The frame's values for a page that may be seen signed in or not (the public verify page).
    func optionalFormToken(_ request: Request) -> String {
        WebHTTP.cookie(WebHTTP.sessionCookie, in: request).flatMap { try? backend.formToken(sessionToken: $0) } ?? ""
    }
}
