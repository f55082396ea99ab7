/// The bundle wizard's, the download page's, the public verify page's and the consent withdrawal's templates. As in
/// `WebTemplates`: every value through `{{name}}` (escaped), plain forms that work without script, a label for
/// every field, hints linked with aria-describedby, and problems announced (role=alert) and linked to their field.
enum BundleTemplates {
    static let all: [String: String] = ["bundle": bundle, "bundle-download": download, "verify": verify, "consent-withdraw": withdraw]

    static let bundle = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Make a meeting bundle</h1>
    {{#problem}}<div class="error-summary" role="alert" id="bundle-problem"><h2>There is a problem</h2><p>{{problem}}</p></div>{{/problem}}
    {{^empty(warnings)}}<div class="notice" role="status"><p>The consent rules give these warnings. Read them; pressing a button again means you have read them.</p>
    <ul>{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul></div>{{/empty(warnings)}}
    {{#plan}}
    <h2 id="plan-heading">What the bundle would hold</h2>
    <p role="status">{{summary}}</p>
    <div class="scroll"><table aria-labelledby="plan-heading">
    <thead><tr><th scope="col">Document</th><th scope="col">Kind</th><th scope="col">In the bundle</th><th scope="col">Why</th><th scope="col">Hidden</th></tr></thead>
    <tbody>
    {{#rows}}<tr><th scope="row">{{name}}</th><td>{{kind}}</td><td>{{#included}}Yes{{/included}}{{^included}}No{{/included}}</td><td>{{reason}}</td><td>{{redactions}}</td></tr>{{/rows}}
    </tbody></table></div>
    {{^empty(warnings)}}<h3>Check these</h3><ul>{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul>{{/empty(warnings)}}
    <p>Nothing has been made or recorded yet. Change the choices below and check again, or export the bundle.</p>
    {{/plan}}
    <form method="post" action="/cases/{{caseID}}/bundle">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="acknowledge" value="{{acknowledged}}">
    <div class="field">
    <label for="meeting">Meeting</label>
    <p class="hint" id="meeting-hint">Printed on the cover and on every page, for example: Local resolution meeting, 3 December 2026.</p>
    <input type="text" id="meeting" name="meeting" value="{{meeting}}" required aria-describedby="meeting-hint">
    </div>
    <div class="field">
    <label for="recipient">Who receives it</label>
    <p class="hint" id="recipient-hint">The NHS body's organisation id (the case's is filled in), or a third party the consent names.</p>
    <input type="text" id="recipient" name="recipient" value="{{recipient}}" required aria-describedby="recipient-hint">
    </div>
    <div class="field">
    <label for="recipient_name">Their name for the cover (optional)</label>
    <input type="text" id="recipient_name" name="recipient_name" value="{{recipientName}}">
    </div>
    <div class="field">
    <label for="their_reference">Their reference (optional)</label>
    <input type="text" id="their_reference" name="their_reference" value="{{theirReference}}">
    </div>
    <div class="field">
    <label for="our_reference">Our reference (optional)</label>
    <input type="text" id="our_reference" name="our_reference" value="{{ourReference}}">
    </div>
    <fieldset class="field">
    <legend>What to hide</legend>
    {{#policies}}<div class="choice"><input type="radio" id="policy-{{value}}" name="policy" value="{{value}}"{{#selected}} checked{{/selected}} aria-describedby="policy-{{value}}-hint">
    <label for="policy-{{value}}">{{label}}</label><p class="hint" id="policy-{{value}}-hint">{{hint}}</p></div>{{/policies}}
    </fieldset>
    <fieldset class="field">
    <legend>Documents</legend>
    <p class="hint">Ticked: the complaint letters, emails, replies and evidence, as the bundle takes them unless you choose otherwise. Notes, consent forms and forms of authority stay out unless you tick them.</p>
    {{^documents}}<p>This case has no documents yet.</p>{{/documents}}
    {{#documents}}<div class="choice"><input type="checkbox" id="doc-{{id}}" name="document" value="{{id}}"{{#checked}} checked{{/checked}}{{#note}} aria-describedby="doc-{{id}}-note"{{/note}}>
    <label for="doc-{{id}}">{{name}} <span class="ref">{{kind}}, {{date}}</span></label>{{#note}}<p class="hint" id="doc-{{id}}-note">{{note}}</p>{{/note}}</div>{{/documents}}
    </fieldset>
    <div class="field choice">
    <input type="checkbox" id="include_unreviewed" name="include_unreviewed" value="yes"{{#includeUnreviewed}} checked{{/includeUnreviewed}} aria-describedby="unreviewed-hint">
    <label for="include_unreviewed">Put in pages that need checking</label>
    <p class="hint" id="unreviewed-hint">Only once you have looked at those pages yourself: a scanned page without text cannot be checked for names.</p>
    </div>
    <div class="buttons">
    <button type="submit" name="step" value="check">Check what would go in</button>
    <button type="submit" name="step" value="export">Export the bundle</button>
    </div>
    </form>
    {{/page}}{{/main}}{{/layout}}
    """

    static let download = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Bundle {{bundleID}} is ready</h1>
    <p role="status">The bundle was made, signed and recorded in the case's redaction log. Download both files: the manifest is what proves the PDF is the one this vault made.</p>
    <dl class="facts">
    {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
    </dl>
    <form method="post" action="/bundles/{{bundleID}}/pdf" class="download">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <button type="submit">Download the PDF ({{pdfName}})</button>
    </form>
    <form method="post" action="/bundles/{{bundleID}}/manifest" class="download">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <button type="submit">Download the signed manifest ({{manifestName}})</button>
    </form>
    <p class="hint">Each download is recorded. The files are kept here for 30 minutes, for you only; after that, make the bundle again.</p>
    <p>Anyone can check a copy later on the <a href="/verify">check a bundle</a> page.</p>
    {{/page}}{{/main}}{{/layout}}
    """

    static let verify = """
    {{<layout}}{{$main}}{{#page}}
    <h1>Check a bundle</h1>
    <p>Choose a meeting bundle's PDF and the manifest saved beside it. This page says whether they are exactly what this vault made and signed. You do not need to sign in, and nothing you send is kept.</p>
    {{#outcome}}
    <div class="{{#genuine}}notice{{/genuine}}{{^genuine}}error-summary{{/genuine}}" role="{{#genuine}}status{{/genuine}}{{^genuine}}alert{{/genuine}}" id="verify-result">
    <h2>{{heading}}</h2>
    <p>{{message}}</p>
    {{^empty(facts)}}<dl class="facts">{{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}</dl>{{/empty(facts)}}
    </div>
    {{/outcome}}
    {{#problem}}<div class="error-summary" role="alert" id="verify-problem"><h2>There is a problem</h2><p>{{problem}}</p></div>{{/problem}}
    <form method="post" action="/verify" enctype="multipart/form-data">
    <div class="field">
    <label for="pdf">The bundle (PDF)</label>
    <p class="hint" id="pdf-hint">At most {{limit}}.</p>
    <input type="file" id="pdf" name="pdf" accept=".pdf,application/pdf" required aria-describedby="pdf-hint">
    </div>
    <div class="field">
    <label for="manifest">Its manifest</label>
    <p class="hint" id="manifest-hint">The file saved beside the PDF, ending .manifest.json.</p>
    <input type="file" id="manifest" name="manifest" accept=".json,application/json" required aria-describedby="manifest-hint">
    </div>
    <button type="submit">Check the bundle</button>
    </form>
    {{/page}}{{/main}}{{/layout}}
    """

    static let withdraw = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Withdraw consent {{id}}</h1>
    <dl class="facts">
    {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
    </dl>
    {{#withdrawn}}
    <p class="notice" role="status">{{#done}}Recorded: {{/done}}this consent was withdrawn on {{withdrawn}}. From that day nothing new may be done under it. If the person changes their mind, record a new consent.</p>
    <p><a href="/cases/{{caseID}}">Back to the case</a></p>
    {{/withdrawn}}
    {{^withdrawn}}
    {{#problem}}<div class="error-summary" role="alert" id="withdraw-problem"><h2>There is a problem</h2><p>{{problem}}</p></div>{{/problem}}
    <p>A withdrawal is never undone: from its date nothing new may be done under this consent (no document read, added or sent).</p>
    <form method="post" action="/consents/{{id}}/withdraw">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <fieldset class="field">
    <legend>How did the withdrawal reach you?</legend>
    {{#channels}}<div class="choice"><input type="radio" id="channel-{{value}}" name="received_by" value="{{value}}" required{{#selected}} checked{{/selected}}>
    <label for="channel-{{value}}">{{label}}</label></div>{{/channels}}
    </fieldset>
    <div class="field">
    <label for="date">Date of withdrawal</label>
    <p class="hint" id="date-hint">As YYYY-MM-DD. Today is filled in.</p>
    <input type="text" id="date" name="date" value="{{date}}" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" required aria-describedby="date-hint">
    </div>
    <div class="field choice">
    <input type="checkbox" id="confirm" name="confirm" value="yes" required>
    <label for="confirm">I understand this cannot be undone</label>
    </div>
    <button type="submit">Withdraw this consent</button>
    </form>
    {{/withdrawn}}
    {{/page}}{{/main}}{{/layout}}
    """
}
