/// The guided situations' page (Pages/SituationPages.swift): step 1 chooses the situation (a GET form, so the choice
/// is a link that can be bookmarked and nothing is sent), step 2 is the multipart form the core's `recordSituation`
/// takes. Every value with double braces (escaped).
enum SituationTemplates {
    static let page = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Record a consent or authority</h1>
    {{^empty(situations)}}
    <p>Who brings the complaint decides what must be recorded. Choose the situation; the next page asks for what it needs and the signed form.</p>
    <form method="get" action="/cases/{{caseID}}/consents/new">
    <fieldset class="field">
    <legend>Who brings the complaint?</legend>
    {{#situations}}<div class="choice"><input type="radio" id="situation-{{value}}" name="situation" value="{{value}}" required aria-describedby="situation-{{value}}-hint"><label for="situation-{{value}}">{{label}}</label>
    <p class="hint" id="situation-{{value}}-hint">{{hint}}</p></div>
    {{/situations}}
    </fieldset>
    <button type="submit">Continue</button>
    </form>
    {{/empty(situations)}}
    {{#situation}}
    <h2>{{situationLabel}}</h2>
    <p>{{situationHint}} <a href="/cases/{{caseID}}/consents/new">Choose another situation</a></p>
    {{#problem}}<div class="error-summary" role="alert" id="situation-problem" tabindex="-1"><h2>There is a problem</h2><p>{{problem}}</p>
    {{^empty(missing)}}<ul>{{#missing}}<li><a href="#{{label}}">{{value}}</a></li>{{/missing}}</ul>{{/empty(missing)}}
    {{^empty(doubts)}}<ul><li><a href="#confirm_anyway">Say whether to record it anyway</a></li></ul>{{/empty(doubts)}}</div>{{/problem}}
    <form method="post" action="/cases/{{caseID}}/consents" enctype="multipart/form-data">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="situation" value="{{situation}}">
    {{#representativeLabel}}
    <fieldset class="field">
    <legend>{{representativeLabel}}</legend>
    <div class="field">
    <label for="representative">Who</label>
    <select id="representative" name="representative">
    {{#people}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/people}}
    <option value="new"{{#newChosen}} selected{{/newChosen}}>Someone not on the case yet (name below)</option>
    </select>
    </div>
    <div class="field">
    <label for="new_name">Their full name, if they are not on the case yet</label>
    <p class="hint" id="new_name-hint">They are registered on the case, so bundles black out their name.</p>
    <input type="text" id="new_name" name="new_name" value="{{newName}}" autocomplete="off" aria-describedby="new_name-hint">
    </div>
    </fieldset>
    {{/representativeLabel}}
    {{#afterDeath}}
    {{#diedOnRecord}}<p>The patient's death is on record ({{diedOnRecord}}).</p>{{/diedOnRecord}}
    {{^diedOnRecord}}<div class="field">
    <label for="died_on">The date the patient died</label>
    <input type="date" id="died_on" name="died_on" value="{{diedOn}}">
    </div>{{/diedOnRecord}}
    <fieldset class="field">
    <legend>Their standing</legend>
    {{#standings}}<div class="choice"><input type="radio" id="standing-{{value}}" name="standing" value="{{value}}"{{#selected}} checked{{/selected}}><label for="standing-{{value}}">{{label}}</label></div>{{/standings}}
    </fieldset>
    <div class="field choice">
    <input type="checkbox" id="claim" name="claim" value="yes"{{#claim}} checked{{/claim}}>
    <label for="claim">Next of kin: they have a claim arising from the death</label>
    </div>
    {{/afterDeath}}
    {{#attorney}}
    <fieldset class="field">
    <legend>Kind of lasting power of attorney</legend>
    {{#lpaKinds}}<div class="choice"><input type="radio" id="lpa_kind-{{value}}" name="lpa_kind" value="{{value}}"{{#selected}} checked{{/selected}}><label for="lpa_kind-{{value}}">{{label}}</label></div>{{/lpaKinds}}
    </fieldset>
    <div class="field choice">
    <input type="checkbox" id="registered" name="registered" value="yes"{{#registered}} checked{{/registered}}>
    <label for="registered">I have seen the Office of the Public Guardian's registration stamp on the LPA</label>
    </div>
    {{/attorney}}
    {{^empty(evidence)}}
    <div class="field">
    <label for="evidence">Evidence of the authority</label>
    <select id="evidence" name="evidence">
    <option value="">None yet</option>
    {{#evidence}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/evidence}}
    </select>
    </div>
    {{/empty(evidence)}}
    {{#authorityForm}}
    <div class="field">
    <label for="authority_form">{{authorityForm}}</label>
    <p class="hint" id="authority_form-hint">{{authorityHint}}</p>
    <input type="file" id="authority_form" name="authority_form" aria-describedby="authority_form-hint">
    </div>
    {{/authorityForm}}
    <div class="field">
    <label for="consent_form">The signed form</label>
    <p class="hint" id="consent_form-hint">The scanned or photographed consent form, or the representative's signed instruction to your service. Stored encrypted with the case.</p>
    <input type="file" id="consent_form" name="consent_form" aria-describedby="consent_form-hint">
    </div>
    <div class="field">
    <label for="signed_on">The date on the form</label>
    <input type="date" id="signed_on" name="signed_on" value="{{signedOn}}">
    </div>
    <fieldset class="field">
    <legend>What the person agreed your service may do</legend>
    {{#actions}}<div class="choice"><input type="checkbox" id="action-{{value}}" name="action_{{value}}" value="yes"{{#selected}} checked{{/selected}}><label for="action-{{value}}">{{label}}</label></div>{{/actions}}
    </fieldset>
    <div class="field">
    <label for="bodies">The NHS bodies the consent names (optional)</label>
    <p class="hint" id="bodies-hint">Separated by commas, for example trust-X, phso. Leave empty for the case's NHS body{{#caseBody}} ({{caseBody}}){{/caseBody}}.</p>
    <input type="text" id="bodies" name="bodies" value="{{bodies}}" aria-describedby="bodies-hint">
    </div>
    <div class="field">
    <label for="valid_until">When the consent ends (optional)</label>
    <p class="hint" id="valid_until-hint">Leave empty for the usual 12 months from the date on the form.</p>
    <input type="date" id="valid_until" name="valid_until" value="{{validUntil}}" aria-describedby="valid_until-hint">
    </div>
    {{^empty(doubts)}}<fieldset class="field">
    <legend>This consent has already run out. Record it anyway?</legend>
    <div class="hint" id="confirm_anyway-hint">{{#doubts}}<p>{{.}}</p>{{/doubts}}</div>
    <div class="choice"><input type="checkbox" id="confirm_anyway" name="confirm_anyway" value="yes" aria-describedby="confirm_anyway-hint"><label for="confirm_anyway">Yes, record it anyway</label></div>
    </fieldset>{{/empty(doubts)}}
    <button type="submit">Record</button>
    </form>
    {{/situation}}
    {{/page}}{{/main}}{{/layout}}
    """
}
