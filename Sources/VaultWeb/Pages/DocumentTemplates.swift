/// The upload and redaction preview pages' templates (see WebTemplates: every value `{{escaped}}`, no script, each
/// page inside `layout`). Every field has a label; the forms work without JavaScript.
enum WebDocumentTemplates {
    static let all: [String: String] = ["upload": upload, "uploaded": uploaded, "preview": preview, "pages": WebPDFPages.template]

    static let upload = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}{{query}}">{{client}}</a></p>
    <h1>Add documents</h1>
    <p>Choose one file in each box you need. The kind and the date are worked out from each file unless you choose them here;
    you can correct both after saving. A file already in the case is found and not stored twice.</p>
    <p class="hint">Up to {{limit}} in all at once.</p>
    <form method="post" action="/cases/{{caseID}}/upload{{query}}" enctype="multipart/form-data">
    <input type="hidden" name="form_token" value="{{formToken}}">
    {{#slots}}
    <fieldset class="upload">
    <legend>File {{number}}</legend>
    <div class="field">
    <label for="file_{{number}}">File {{number}}</label>
    <input type="file" id="file_{{number}}" name="file_{{number}}">
    </div>
    <div class="field">
    <label for="kind_{{number}}">Kind of file {{number}}</label>
    <select id="kind_{{number}}" name="kind_{{number}}">
    <option value="">Work it out from the file</option>
    {{#kinds}}<option value="{{value}}">{{label}}</option>{{/kinds}}
    </select>
    </div>
    <div class="field">
    <label for="date_{{number}}">Date of file {{number}} (optional)</label>
    <p class="hint" id="date_{{number}}-hint">Leave empty to take it from the file.</p>
    <input type="date" id="date_{{number}}" name="date_{{number}}" aria-describedby="date_{{number}}-hint">
    </div>
    </fieldset>
    {{/slots}}
    <button type="submit">Add to the case</button>
    </form>
    {{/page}}{{/main}}{{/layout}}
    """

    static let uploaded = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}{{query}}">{{client}}</a></p>
    <h1>Documents added</h1>
    <p class="notice" role="status">{{summary}}</p>
    {{^empty(stored)}}
    <h2>Stored</h2>
    <p>Check the kind and the date of each. If one is wrong, change it and press its Save button.</p>
    {{#stored}}
    <form method="post" action="/documents/{{id}}/retag" class="retag">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="acknowledge" value="{{acknowledged}}">
    <h3><a href="/documents/{{id}}{{query}}">{{name}}</a></h3>
    {{#warning}}<p class="notice">{{warning}}</p>{{/warning}}
    <div class="field">
    <label for="kind-{{id}}">Kind</label>
    <select id="kind-{{id}}" name="kind">
    {{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}
    </select>
    </div>
    <div class="field">
    <label for="date-{{id}}">Date</label>
    <p class="hint" id="date-{{id}}-hint">{{dateSource}}</p>
    <input type="date" id="date-{{id}}" name="date" value="{{date}}" aria-describedby="date-{{id}}-hint">
    </div>
    <button type="submit">Save kind and date</button>
    </form>
    {{/stored}}
    {{/empty(stored)}}
    {{^empty(duplicates)}}
    <h2>Already in the case</h2>
    <ul>
    {{#duplicates}}<li class="duplicate">{{name}} was not stored again: it has the same content as <a href="/documents/{{existingID}}{{query}}">{{existingName}}</a>.</li>{{/duplicates}}
    </ul>
    {{/empty(duplicates)}}
    {{^empty(failed)}}
    <h2>Not stored</h2>
    <ul>
    {{#failed}}<li>{{name}}: {{reason}}</li>{{/failed}}
    </ul>
    {{/empty(failed)}}
    <p><a href="/cases/{{caseID}}{{query}}">Back to the case</a></p>
    <p><a href="/cases/{{caseID}}/upload{{query}}">Add more documents</a></p>
    {{/page}}{{/main}}{{/layout}}
    """

    static let preview = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}{{query}}">{{caseLabel}}</a> › <a href="/documents/{{id}}{{query}}">{{name}}</a></p>
    <h1>What a bundle would redact: {{name}}</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    <p>The marked parts are what a bundle with the default policy hides. Each is followed by its kind in brackets.</p>
    {{#bidiControls}}<p class="notice">This document holds characters that change the direction of text. They are shown as \\u{…} codes,
    so the order you see is the real order. Check the redactions carefully.</p>{{/bidiControls}}
    <h2>Summary</h2>
    {{^counts}}<p>Nothing would be redacted.</p>{{/counts}}
    {{^empty(counts)}}<ul>{{#counts}}<li>{{kind}}: {{count}}</li>{{/counts}}</ul>{{/empty(counts)}}
    <h2>Names nobody registered</h2>
    {{^names}}<p>None found.</p>{{/names}}
    {{^empty(names)}}
    <p>These look like people's names. They are redacted anyway. Register someone who is part of the case, so every spelling
    of their name is found (a member of NHS staff is then kept, as the default policy keeps staff acting in their role);
    allow a name that may stay (a hospital, a ward, a public office).</p>
    {{/empty(names)}}
    {{#names}}
    <section class="found-name" aria-labelledby="name-{{index}}">
    <h3 id="name-{{index}}">{{display}}</h3>
    <form method="post" action="/documents/{{id}}/redaction/people" class="found-form">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="acknowledge" value="{{acknowledged}}">
    <input type="hidden" name="name" value="{{name}}">
    <label for="role-{{index}}">Their part in the case</label>
    <select id="role-{{index}}" name="role" required>
    <option value="">Choose their part</option>
    {{#roles}}<option value="{{value}}">{{label}}</option>{{/roles}}
    </select>
    <button type="submit">Register as a person on the case<span class="visually-hidden">: {{display}}</span></button>
    </form>
    <form method="post" action="/documents/{{id}}/redaction/allow" class="found-form">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="acknowledge" value="{{acknowledged}}">
    <input type="hidden" name="term" value="{{name}}">
    <button type="submit" class="secondary">Allow<span class="visually-hidden"> {{display}}</span> (do not redact)</button>
    </form>
    </section>
    {{/names}}
    <h2>Text</h2>
    {{#unreadable}}<p>{{unreadable}}</p>{{/unreadable}}
    {{^unreadable}}<pre class="document-text">{{#segments}}{{#marked}}<mark>{{text}}</mark><span class="redaction-kind"> [{{kind}}]</span>{{/marked}}{{^marked}}{{text}}{{/marked}}{{/segments}}</pre>{{/unreadable}}
    {{/page}}{{/main}}{{/layout}}
    """
}
