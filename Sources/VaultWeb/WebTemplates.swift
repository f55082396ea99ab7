/// The pages' templates, as Swift constants rather than resource files: the server is installed as one program
/// (`make install` copies the binaries alone), so there is no resource bundle to find at run time, and a template
/// that fails to parse fails the tests, not a page in front of an advocate.
///
/// Every value is written with `{{name}}`, which HTML-escapes `<`, `>`, `&`, `"` and `'`. Triple braces (unescaped)
/// are used only for the names in `trustedFragments`, properties of type `HTMLFragment` (rows `HTMLWriter` wrote
/// and escaped): `WebRenderingTests` fails on any other. Each page inherits `layout` and fills its `main` block;
/// page data sits under `page`, the frame's (title, form token) at the top.
enum WebTemplates {
    static let all: [String: String] = [
        "layout": layout, "signin": signIn, "cases": cases, "case": casePage, "document": document, "error": error,
        "audit": audit, "accounts": accounts,
    ].merging(WebDocumentTemplates.all) { own, _ in own }

    /// The only names a template may write with triple braces: each is an `HTMLFragment` property of its page.
    static let trustedFragments: Set<String> = ["documentRows", "auditRows"]

    static let layout = """
    <!DOCTYPE html>
    <html lang="en-GB">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} – casevault</title>
    <link rel="stylesheet" href="/static/app.css">
    </head>
    <body>
    <a class="skip" href="#main">Skip to main content</a>
    <header class="top">
    <p class="brand"><a href="/cases">casevault</a></p>
    {{#signedIn}}
    <nav aria-label="Main">
    <a href="/cases">My cases</a>
    <a href="/accounts">Accounts</a>
    <form method="post" action="/signout" class="inline">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <button type="submit" class="link">Sign out</button>
    </form>
    </nav>
    {{/signedIn}}
    </header>
    <main id="main" tabindex="-1">
    {{$main}}{{/main}}
    </main>
    </body>
    </html>
    """

    static let signIn = """
    {{<layout}}{{$main}}{{#page}}
    <h1>Sign in</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{#error}}
    <div class="error-summary" role="alert" id="signin-error">
    <h2>Sign-in did not work</h2>
    <p>{{error}}</p>
    </div>
    {{/error}}
    <form method="post" action="/signin" enctype="multipart/form-data">
    <input type="hidden" name="form_token" value="{{signInToken}}">
    <div class="field">
    <label for="identity">Your identity file</label>
    <p class="hint" id="identity-hint">The file your administrator gave you, for example sam.identity.</p>
    <input type="file" id="identity" name="identity" required aria-describedby="identity-hint{{#error}} signin-error{{/error}}"{{#error}} aria-invalid="true"{{/error}}>
    </div>
    <div class="field">
    <label for="passphrase">Passphrase</label>
    <input type="password" id="passphrase" name="passphrase" autocomplete="current-password" required{{#error}} aria-describedby="signin-error" aria-invalid="true"{{/error}}>
    </div>
    <div class="field">
    <label for="totp">Login code (only if you have turned login codes on)</label>
    <p class="hint" id="totp-hint">The 6 digits your authenticator app shows now.</p>
    <input type="text" id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" aria-describedby="totp-hint{{#error}} signin-error{{/error}}">
    </div>
    <button type="submit">Sign in</button>
    </form>
    {{/page}}{{/main}}{{/layout}}
    """

    static let cases = """
    {{<layout}}{{$main}}{{#page}}
    <h1>My cases</h1>
    <form method="get" action="/cases" class="filter" role="search">
    <label for="q">Filter by name, reference or NHS body</label>
    <input type="search" id="q" name="q" value="{{filter}}">
    <button type="submit">Filter</button>
    {{#filtered}}<a href="/cases">Show all</a>{{/filtered}}
    </form>
    <p>{{summary}}</p>
    {{#mayReadAudit}}<p><a href="/audit">Activity log</a>: who read or changed what, for your organisation's cases.</p>{{/mayReadAudit}}
    {{^empty(rows)}}
    <div class="scroll">
    <table>
    <caption class="visually-hidden">Your cases</caption>
    <thead><tr><th scope="col">Client</th><th scope="col">Reference</th><th scope="col">NHS body</th><th scope="col">Next deadline</th><th scope="col">Documents</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr>
    <th scope="row"><a href="/cases/{{id}}">{{client}}</a></th>
    <td>{{reference}}</td>
    <td>{{nhsBody}}</td>
    <td>{{#deadline}}{{#overdue}}<strong class="overdue">Overdue:</strong> {{/overdue}}{{due}}, {{title}}{{/deadline}}{{^deadline}}{{deadlineNote}}{{/deadline}}</td>
    <td>{{documents}}</td>
    </tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    {{/empty(rows)}}
    {{/page}}{{/main}}{{/layout}}
    """

    static let casePage = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a></p>
    <h1>{{client}}{{#reference}} <span class="ref">{{reference}}</span>{{/reference}}</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{^empty(noticeWarnings)}}<div class="notice" id="recorded-warnings"><p>The consent rules give these warnings about what was recorded:</p>
    <ul>{{#noticeWarnings}}<li>{{.}}</li>{{/noticeWarnings}}</ul></div>{{/empty(noticeWarnings)}}
    <dl class="facts">
    {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
    </dl>
    <h2>People</h2>
    <ul>
    {{#people}}<li>{{name}}, {{role}}</li>{{/people}}
    </ul>
    {{#teamLink}}<p><a href="{{teamLink}}">Who works on this case</a></p>{{/teamLink}}
    <h2>Consents and authorities</h2>
    {{#caseID}}<p><a href="/cases/{{caseID}}/consents/new">Record a consent or authority</a></p>{{/caseID}}
    {{^consents}}<p>None recorded.</p>{{/consents}}
    {{^empty(consents)}}
    <div class="scroll"><table>
    <thead><tr><th scope="col">Person</th><th scope="col">Kind</th><th scope="col">Given to</th><th scope="col">Actions</th><th scope="col">Valid</th><th scope="col">State</th><th scope="col">Change</th></tr></thead>
    <tbody>
    {{#consents}}<tr><td>{{person}}</td><td>{{kind}}</td><td>{{grantee}}</td><td>{{actions}}</td><td>{{valid}}</td><td>{{state}}</td><td>{{#withdrawLink}}<a href="{{withdrawLink}}" aria-label="Withdraw the {{kind}} of {{person}}">Withdraw</a>{{/withdrawLink}}</td></tr>{{/consents}}
    </tbody></table></div>
    {{/empty(consents)}}
    <h2>Deadlines</h2>
    {{#deadlineNote}}<p>{{deadlineNote}}</p>{{/deadlineNote}}
    {{^empty(deadlines)}}
    <ul>
    {{#deadlines}}<li>{{#overdue}}<strong class="overdue">Overdue:</strong> {{/overdue}}{{#met}}<strong>Met:</strong> {{/met}}{{due}}, {{title}} ({{rule}})</li>{{/deadlines}}
    </ul>
    {{/empty(deadlines)}}
    {{^empty(reminders)}}
    <h3>Reminders</h3>
    <ul>
    {{#reminders}}<li>{{due}}: {{text}}{{#done}} (done){{/done}}</li>{{/reminders}}
    </ul>
    {{/empty(reminders)}}
    <h2>Documents</h2>
    {{#caseID}}<p><a href="/cases/{{caseID}}/upload{{documentQuery}}">Add documents</a></p>{{/caseID}}
    {{#bundleLink}}<p><a href="{{bundleLink}}">Make a meeting bundle</a></p>{{/bundleLink}}
    {{#documentNote}}<p>{{documentNote}}</p>{{/documentNote}}
    {{#warnings}}<p class="notice">{{.}}</p>{{/warnings}}
    {{#acknowledgeLink}}<p><a href="{{acknowledgeLink}}">I have read the warning: show the documents</a></p>{{/acknowledgeLink}}
    {{#documentRows}}
    <div class="scroll"><table>
    <caption class="visually-hidden">Documents, oldest first</caption>
    <thead><tr><th scope="col">Date</th><th scope="col">Date from</th><th scope="col">Kind</th><th scope="col">Document</th></tr></thead>
    <tbody>
    {{{documentRows}}}
    </tbody></table></div>
    {{/documentRows}}
    <h2>Notes</h2>
    {{^notes}}<p>No notes yet.</p>{{/notes}}
    {{#notes}}<article class="note"><h3>{{writtenAt}}{{#writtenBy}}, {{writtenBy}}{{/writtenBy}}</h3><p class="text">{{text}}</p></article>{{/notes}}
    {{/page}}{{/main}}{{/layout}}
    """

    static let document = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>{{name}}</h1>
    <dl class="facts">
    {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
    </dl>
    <form method="post" action="/documents/{{id}}/download">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="acknowledge" value="{{acknowledged}}">
    <button type="submit">Download</button>
    <span class="hint">Saves the original file to this computer. Each download is recorded.</span>
    </form>
    <p><a href="/documents/{{id}}/redaction{{#acknowledged}}?acknowledge={{acknowledged}}{{/acknowledged}}">See what a bundle would redact</a></p>
    {{#pdf}}<p><a href="/documents/{{id}}/pages{{#acknowledged}}?acknowledge={{acknowledged}}{{/acknowledged}}">See the pages as pictures</a></p>{{/pdf}}
    <h2>Text</h2>
    {{#readable}}
    {{^empty(headers)}}<dl class="facts">{{#headers}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/headers}}</dl>{{/empty(headers)}}
    <pre class="document-text">{{body}}</pre>
    {{^empty(attachments)}}<h3>Attachments</h3><ul>{{#attachments}}<li>{{.}}</li>{{/attachments}}</ul>{{/empty(attachments)}}
    {{/readable}}
    {{^readable}}<p>{{unreadable}}</p>{{/readable}}
    {{/page}}{{/main}}{{/layout}}
    """

    static let error = """
    {{<layout}}{{$main}}{{#page}}
    <h1>{{heading}}</h1>
    <p>{{message}}</p>
    {{^empty(details)}}<ul>{{#details}}<li>{{.}}</li>{{/details}}</ul>{{/empty(details)}}
    {{#next}}<p><a href="{{next}}">{{nextLabel}}</a></p>{{/next}}
    <p><a href="{{back}}">{{backLabel}}</a></p>
    {{/page}}{{/main}}{{/layout}}
    """
}
