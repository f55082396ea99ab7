import Mustache

/// The parsed templates. Parsed once, when the server starts: a template that does not parse stops the start.
struct WebRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in WebTemplates.all.merging(BundleTemplates.all.merging(CaseTeamTemplates.all) { first, _ in first }) { first, _ in first } { try library.register(text, named: name) }
        self.library = library
    }

    func render<Page: Sendable>(_ template: String, title: String, signedIn: Bool, formToken: String = "", page: Page) -> String {
        library.render(Frame(title: title, signedIn: signedIn, formToken: formToken, page: page), withTemplate: template)
            ?? "<!DOCTYPE html><html lang=\"en-GB\"><title>casevault</title><p>This page could not be shown.</p></html>"
    }
}
