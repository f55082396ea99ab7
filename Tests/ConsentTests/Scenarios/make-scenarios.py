#!/usr/bin/env python3
"""Writes scenarios.json: end-to-end consent scenarios in the CONSENT-RULES.md §1 vocabulary.

Each scenario starts from one baseline (an adult, an org-level written consent, case C1 at trust-X) and
changes only what the scenario is about, so a reader can see why the expected decision differs.
The expected decisions are derived from the rules document by hand, not from the engine's output.
Run: python3 make-scenarios.py > scenarios.json
"""
import copy, json

ALL_ACTIONS = ["view_documents", "ingest_document", "draft_letter", "send_letter_to_nhs_body", "attend_meeting",
               "speak_by_phone", "receive_records", "export_bundle", "share_with_third_party", "refer_to_ombudsman",
               "check_deadlines"]

def form(rep="ICA North"):
    return {"patient_name": "Pat Adams", "dob": "1970-01-01", "nhs_number": "9990000001", "address": "1 High St",
            "representative_name": rep, "scope": "C1 / trust-X, phso", "signature": True, "date": "2025-01-05"}

def written(id="wc1", granted_by="p1", grantee=("organisation", "org-A"), **extra):
    a = {"id": id, "kind": "written_consent", "granted_by": granted_by,
         "grantee": {"type": grantee[0], "id": grantee[1]},
         "scope": {"cases": ["C1"], "organisations": ["trust-X", "phso"], "actions": list(ALL_ACTIONS), "third_parties": []},
         "valid_from": "2025-01-05", "valid_until": "2025-12-31", "withdrawn_on": None, "form": form()}
    a.update(extra)
    return a

def base():
    return {
        "facts": {
            "person": {"id": "p1", "dob": "1970-01-01", "deceased": False, "has_capacity": None,
                       "capacity_assessments": [], "objects_to": []},
            "actors": {"adv-1": {"kind": "advocate", "organisation": "org-A"},
                       "adv-2": {"kind": "advocate", "organisation": "org-A"},
                       "adv-3": {"kind": "advocate", "organisation": "org-B"},
                       "att-1": {"kind": "individual"}},
            "authorities": [written()],
            "case": {"id": "C1", "nhs_bodies": ["trust-X"], "subjects_of_complaint": [], "body_refused_representative": False,
                     "transfers": [],
                     "events": {"incident_date": "2025-01-15", "aware_date": "2025-01-15", "complaint_date": None,
                                "acknowledged_on": None, "final_response_on": None, "response_extension_agreed_until": None}}},
        "request": {"actor": "adv-1", "action": "draft_letter", "on_behalf_of": "p1", "date": "2025-03-01",
                    "case_id": "C1", "target_org": "trust-X"}}

LACKS = [{"decision": "conduct NHS complaint", "date": "2024-12-01", "result": "lacks_capacity", "assessor": "Dr B"}]

def holder_auth(id, kind, holder=("person", "att-1"), **extra):
    a = {"id": id, "kind": kind, "holder": {"type": holder[0], "id": holder[1]}, "granted_by": "p1",
         "valid_from": "2024-06-01", "valid_until": None, "withdrawn_on": None}
    a.update(extra)
    return a

def via(holder_authority, lacks=True, **person):
    """A legal authority held by att-1, who instructs org-A by a chained written consent."""
    def change(s):
        s["facts"]["authorities"] = [holder_authority, written(granted_by="att-1")]
        if lacks:
            s["facts"]["person"]["has_capacity"] = False
            s["facts"]["person"]["capacity_assessments"] = copy.deepcopy(LACKS)
        s["facts"]["person"].update(person)
    return change

scenarios = []

def scenario(id, description, expected, rule_ids, *changes, request=None, covers=(), explains=()):
    """`covers` names rules this scenario exercises without firing them (the allow side of an edge).
    `explains` lists words that must each appear in the explanation: one per independent cause."""
    s = base()
    for change in changes:
        change(s)
    if request:
        s["request"].update(request)
    s.update({"id": id, "description": description, "expected": expected, "rule_ids": rule_ids})
    if covers:
        s["covers"] = list(covers)
    if explains:
        s["explains"] = list(explains)
    scenarios.append(s)

def consent(**extra):
    def change(s):
        s["facts"]["authorities"][0].update(extra)
    return change

def scope(**extra):
    def change(s):
        s["facts"]["authorities"][0]["scope"].update(extra)
    return change

def form_change(**extra):
    def change(s):
        f = s["facts"]["authorities"][0]["form"]
        for k, v in extra.items():
            if v is None:
                f.pop(k, None)
            else:
                f[k] = v
    return change

def case(**extra):
    def change(s):
        s["facts"]["case"].update(extra)
    return change

def events(**extra):
    def change(s):
        s["facts"]["case"]["events"].update(extra)
    return change

def person(**extra):
    def change(s):
        s["facts"]["person"].update(extra)
    return change

def authorities(*items):
    def change(s):
        s["facts"]["authorities"] = list(items)
    return change

VERBAL = {"id": "vc1", "kind": "verbal_consent", "granted_by": "p1", "grantee": {"type": "organisation", "id": "org-A"},
          "scope": {"cases": ["C1"], "organisations": ["trust-X", "phso"], "actions": list(ALL_ACTIONS), "third_parties": []},
          "valid_from": "2025-01-05", "valid_until": "2025-12-31", "recorded": True, "recorded_by": "adv-1",
          "recorded_on": "2025-01-05", "witness": "duty manager"}

# --- consent basics -------------------------------------------------------------------------------------------
scenario("S-01", "Baseline: org-level written consent in scope", "allow", ["R-WHO-1", "R-CON-1"])
scenario("S-02", "Consent withdrawn before the request", "deny", ["R-CON-2"], consent(withdrawn_on="2025-02-20"))
scenario("S-03", "Consent withdrawn on the day of the request (that day included)", "deny", ["R-CON-2"], consent(withdrawn_on="2025-03-01"))
scenario("S-04", "Withdrawal dated after the request does not yet apply", "allow", ["R-WHO-1", "R-CON-1"], consent(withdrawn_on="2025-03-02"), covers=["R-CON-2"])
scenario("S-05", "Consent expired", "deny", ["R-CON-3"], consent(valid_until="2025-02-28"))
scenario("S-06", "Consent not yet in force", "deny", ["R-CON-3"], consent(valid_from="2025-03-02"))
scenario("S-07", "Consent covers another case", "deny", ["R-CON-4"], scope(cases=["C2"]))
scenario("S-08", "Another NHS body than the consent names", "deny", ["R-CON-5"], request={"target_org": "trust-Y"})
scenario("S-09", "Consent names a category of bodies, not the body", "deny", ["R-CON-5"], scope(organisations=["all NHS bodies"]))
scenario("S-10", "Action not in the consent", "deny", ["R-CON-6"], scope(actions=["draft_letter"]), request={"action": "attend_meeting"})
scenario("S-11", "Named-advocate consent used by a colleague", "warn", ["R-CON-7"], consent(grantee={"type": "advocate", "id": "adv-1"}),
         request={"actor": "adv-2"})
scenario("S-12", "Named-advocate consent used by that advocate", "allow", ["R-WHO-1", "R-CON-1"], consent(grantee={"type": "advocate", "id": "adv-1"}), covers=["R-CON-7"])
scenario("S-13", "Advocate of a partner organisation without a transfer", "deny", ["R-CON-8"], request={"actor": "adv-3"})
scenario("S-14", "Partner organisation after a consented transfer", "allow", ["R-WHO-1", "R-CON-1", "R-CON-8"],
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-02-10", "consented": True}]), request={"actor": "adv-3"})
scenario("S-15", "Transfer the person did not agree to", "deny", ["R-CON-8"],
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-02-10", "consented": False}]), request={"actor": "adv-3"})
scenario("S-16", "Transfer dated after the request", "deny", ["R-CON-8"],
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-03-05", "consented": True}]), request={"actor": "adv-3"})
scenario("S-17", "Verbal consent, recorded, for a low-risk step", "warn", ["R-CON-9"], authorities(VERBAL))
scenario("S-18", "Verbal-only consent for export", "deny", ["R-CON-9"], authorities(VERBAL), request={"action": "export_bundle"})
scenario("S-19", "Verbal consent never recorded", "deny", ["R-CON-9"],
         authorities({**VERBAL, "recorded": False, "recorded_by": None, "recorded_on": None}))
scenario("S-20", "Written consent form without a signature", "deny", ["R-CON-10"], form_change(signature=False))
scenario("S-21", "Written consent form without a date", "deny", ["R-CON-10"], form_change(date=None))
scenario("S-22", "Form missing the NHS number but carrying DOB and address", "warn", ["R-CON-10"], form_change(nhs_number=None))
scenario("S-23", "Form with no identifier at all", "deny", ["R-CON-10"], form_change(nhs_number=None, dob=None, address=None))
scenario("S-24", "Sharing with a recipient the consent names (the allow rests on R-DATA-1, issue 25)", "allow", ["R-WHO-1", "R-CON-1", "R-DATA-1"],
         scope(third_parties=["mp-norwich-south"]), request={"action": "share_with_third_party", "target_org": "mp-norwich-south"})
scenario("S-25", "Sharing with a recipient the consent does not name", "deny", ["R-DATA-1"],
         request={"action": "share_with_third_party", "target_org": "solicitor-firm-q"})
scenario("S-26", "No authority at all", "deny", ["R-CON-1"], authorities())
scenario("S-27", "Adult objects to this advocate", "deny", ["R-CON-1"], person(objects_to=["adv-1"]))
scenario("S-28", "One withdrawn consent and one current consent", "allow", ["R-WHO-1", "R-CON-1"],
         authorities(written(id="wc0", withdrawn_on="2025-01-10"), written(id="wc2", valid_from="2025-01-12")), covers=["R-CON-2"])

# --- capacity, attorneys, deputies -----------------------------------------------------------------------------
scenario("S-29", "Next of kin acting for an adult who has capacity", "deny", ["R-WHO-2", "R-CAP-1"],
         via(holder_auth("nok1", "next_of_kin"), lacks=False))
scenario("S-30", "Registered health & welfare LPA, donor lacks capacity", "allow", ["R-CON-1", "R-LPA-1"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True, evidence="opg_registration")))
scenario("S-31", "Unregistered health & welfare LPA", "deny", ["R-LPA-1"],
         via(holder_auth("a1", "lpa_health_welfare", registered=False)))
scenario("S-32", "Donor with capacity: the attorney cannot decide", "deny", ["R-LPA-1"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True), lacks=False))
scenario("S-33", "Property & finance LPA only", "deny", ["R-LPA-2"], via(holder_auth("a1", "lpa_property_finance", registered=True)))
scenario("S-34", "Regained capacity: the LPA lapses for this decision", "deny", ["R-CAP-2"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True)),
         person(capacity_assessments=LACKS + [{"decision": "conduct NHS complaint", "date": "2025-02-20", "result": "has_capacity", "assessor": "Dr B"}]))
scenario("S-35", "Incapacity claimed without an assessment", "deny", ["R-CAP-2"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True)), person(capacity_assessments=[]))
scenario("S-36", "Personal welfare deputy covering health", "allow", ["R-CON-1", "R-DEP-1"],
         via(holder_auth("d1", "court_deputy_welfare", granted_by="court_of_protection", evidence="court_order",
                         scope={"matters": ["health", "complaints"]})))
scenario("S-37", "Property & affairs deputy", "deny", ["R-DEP-1"],
         via(holder_auth("d1", "court_deputy_property", granted_by="court_of_protection", evidence="court_order")))
scenario("S-38", "Best-interests record, no attorney or deputy", "warn", ["R-WHO-3", "R-CAP-3"],
         authorities(holder_auth("bi1", "best_interests_record", holder=("organisation", "org-A"), recorded_on="2024-12-05",
                                 reasons="No one else to act; client distressed by delays")),
         person(has_capacity=False, capacity_assessments=LACKS))
scenario("S-39", "Best-interests record while a registered attorney exists", "deny", ["R-CAP-3"],
         authorities(holder_auth("bi1", "best_interests_record", holder=("organisation", "org-A"), reasons="…"),
                     holder_auth("a1", "lpa_health_welfare", registered=True)),
         person(has_capacity=False, capacity_assessments=LACKS))
scenario("S-40", "LPA not yet in force when the attorney's consent began", "deny", ["R-CON-3"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True, valid_from="2025-02-01")))

# --- children --------------------------------------------------------------------------------------------------
def child(dob, **extra):
    return person(dob=dob, **extra)

PR = holder_auth("pr1", "parental_responsibility", evidence="birth_certificate")
scenario("S-41", "Parent with evidenced PR for an 8-year-old", "allow", ["R-CON-1", "R-CHI-1"], via(PR, lacks=False), child("2016-06-01"))
scenario("S-42", "Parent with PR not evidenced", "warn", ["R-CHI-1"],
         via({**PR, "evidence": None}, lacks=False), child("2016-06-01"))
scenario("S-43", "Gillick-competent 14-year-old objecting to the parent", "deny", ["R-CHI-2"],
         via(PR, lacks=False), child("2010-06-01", gillick_competent=True, objects_to=["att-1"]))
scenario("S-44", "Gillick-competent 14-year-old's own consent", "allow", ["R-WHO-1", "R-CON-1", "R-CHI-2"],
         child("2010-06-01", gillick_competent=True))
scenario("S-45", "14-year-old, competence not assessed, parent acting", "warn", ["R-CHI-2"], via(PR, lacks=False), child("2010-06-01"))
scenario("S-46", "17-year-old with capacity, parent acting on PR alone", "deny", ["R-CHI-3"], via(PR, lacks=False), child("2007-06-01"))
scenario("S-47", "17-year-old's own consent", "allow", ["R-WHO-1", "R-CON-1", "R-CHI-3"], child("2007-06-01"))
scenario("S-48", "17-year-old lacking capacity, parent with PR", "warn", ["R-WHO-3", "R-CHI-3"], via(PR), child("2007-06-01"))
scenario("S-49", "Parental responsibility claimed for an adult", "deny", ["R-CHI-1"], via(PR, lacks=False))

# --- death -------------------------------------------------------------------------------------------------------
DEAD = person(deceased=True, date_of_death="2025-02-01")
scenario("S-50", "Deceased, personal representative with grant of probate, records", "allow", ["R-CON-1", "R-DEC-2"],
         via(holder_auth("pr-rep", "personal_representative", granted_by=None, evidence="grant_of_probate"), lacks=False), DEAD,
         request={"action": "receive_records"}, covers=["R-DEC-1"])
scenario("S-51", "Deceased, personal representative without evidence", "warn", ["R-DEC-2"],
         via(holder_auth("pr-rep", "personal_representative", granted_by=None), lacks=False), DEAD)
scenario("S-52", "Deceased, next of kin without a claim asks for records", "deny", ["R-DEC-3"],
         via(holder_auth("nok1", "next_of_kin"), lacks=False), DEAD, request={"action": "receive_records"})
scenario("S-53", "Deceased, next of kin with a claim arising from the death", "warn", ["R-DEC-3"],
         via(holder_auth("nok1", "next_of_kin", claim_arising_from_death=True), lacks=False), DEAD, request={"action": "receive_records"})
scenario("S-54", "Deceased, next of kin drafting the complaint", "warn", ["R-DEC-1"],
         via(holder_auth("nok1", "next_of_kin"), lacks=False), DEAD)
scenario("S-55", "Consent given in life does not reach records after death", "deny", ["R-DEC-4"], DEAD, request={"action": "export_bundle"})
scenario("S-56", "Consent given in life: the complaint may continue", "warn", ["R-DEC-1", "R-DEC-4"], DEAD)

# --- conflicts, refusals, time, PHSO ---------------------------------------------------------------------------------
scenario("S-57", "Representative named in the complaint", "warn", ["R-CONF-1"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True)), case(subjects_of_complaint=["att-1"]))
scenario("S-58", "Body refused the representative: meeting blocked", "deny", ["R-WHO-3"], case(body_refused_representative=True),
         request={"action": "attend_meeting"})
scenario("S-59", "Body refused a named representative; the PHSO stays open", "allow", ["R-WHO-1", "R-CON-1"],
         case(body_refused_representative={"holder_id": "org-A", "date": "2025-02-15"}), events(final_response_on="2025-02-20"),
         request={"action": "refer_to_ombudsman", "target_org": "phso"}, covers=["R-WHO-3"])
scenario("S-60", "12-month limit passed (warn, never deny)", "warn", ["R-TIME-1"],
         events(incident_date="2023-11-01", aware_date="2023-11-01"))
scenario("S-61", "20 days before the 12-month limit", "warn", ["R-TIME-2"], events(incident_date="2024-03-21", aware_date="2024-03-21"))
scenario("S-62", "Incident on 29 Feb, complaint made on 28 Feb next year: in time", "allow", ["R-WHO-1", "R-CON-1"],
         events(incident_date="2024-02-29", aware_date="2024-02-29", complaint_date="2025-02-28"), covers=["R-TIME-1"])
scenario("S-63", "Incident on 29 Feb, complaint made on 1 Mar next year: one day late", "warn", ["R-TIME-1"],
         events(incident_date="2024-02-29", aware_date="2024-02-29", complaint_date="2025-03-01"))
scenario("S-64", "Acknowledgement overdue (3 working days)", "warn", ["R-TIME-3"], events(complaint_date="2025-02-24"),
         request={"action": "check_deadlines"})
scenario("S-65", "Acknowledgement not yet due over Easter", "allow", ["R-WHO-1", "R-CON-1"],
         events(complaint_date="2025-04-17"), request={"action": "check_deadlines", "date": "2025-04-23"}, covers=["R-TIME-3"])
scenario("S-66", "Six months without a response", "warn", ["R-TIME-4"], events(complaint_date="2025-03-03", acknowledged_on="2025-03-04"),
         request={"action": "check_deadlines", "date": "2025-09-05"})
scenario("S-67", "Six months passed but an extension was agreed", "allow", ["R-WHO-1", "R-CON-1"],
         events(complaint_date="2025-03-03", acknowledged_on="2025-03-04", response_extension_agreed_until="2025-10-31"),
         request={"action": "check_deadlines", "date": "2025-09-05"}, covers=["R-TIME-4"])
scenario("S-68", "PHSO before the final response", "warn", ["R-PHSO-1"], events(complaint_date="2025-02-10", acknowledged_on="2025-02-11"),
         request={"action": "refer_to_ombudsman", "target_org": "phso"})
scenario("S-69", "PHSO not in the consent", "deny", ["R-CON-5"], scope(organisations=["trust-X"]),
         events(complaint_date="2025-02-10", final_response_on="2025-02-25"), request={"action": "refer_to_ombudsman", "target_org": "phso"})
scenario("S-70", "PHSO after the final response, in scope", "allow", ["R-WHO-1", "R-CON-1"],
         events(complaint_date="2025-02-10", final_response_on="2025-02-25"), request={"action": "refer_to_ombudsman", "target_org": "phso"}, covers=["R-PHSO-1"])

# --- edges, so every rule has at least three cases ------------------------------------------------------------
scenario("S-71", "Next of kin acts directly for an adult with capacity", "deny", ["R-WHO-2", "R-CAP-1"],
         authorities(holder_auth("nok1", "next_of_kin")), request={"actor": "att-1"})
scenario("S-72", "A relative the person asked acts directly", "allow", ["R-WHO-1", "R-CON-1"],
         authorities(written(grantee=("person", "att-1"))), request={"actor": "att-1"}, covers=["R-WHO-2"])
scenario("S-73", "Attorney's LPA withdrawn (revoked) before the request", "deny", ["R-CON-2"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True, withdrawn_on="2025-02-15")))
scenario("S-74", "Consent listing several cases including this one", "allow", ["R-WHO-1", "R-CON-1"], scope(cases=["C0", "C1"]), covers=["R-CON-4"])
scenario("S-75", "Consent listing no case at all", "deny", ["R-CON-4"], scope(cases=[]))
scenario("S-76", "Verbal consent that does not list the action", "deny", ["R-CON-6"],
         authorities({**VERBAL, "scope": {**VERBAL["scope"], "actions": ["draft_letter"]}}), request={"action": "speak_by_phone"})
scenario("S-77", "Welfare deputy order limited to some actions", "deny", ["R-CON-6"],
         via(holder_auth("d1", "court_deputy_welfare", granted_by="court_of_protection", evidence="court_order",
                         scope={"matters": ["health"], "actions": ["attend_meeting"]})))
scenario("S-78", "Org-level consent used by a colleague in that organisation", "allow", ["R-WHO-1", "R-CON-1"],
         request={"actor": "adv-2"}, covers=["R-CON-7"])
scenario("S-79", "Named advocate of another organisation", "deny", ["R-CON-8"], consent(grantee={"type": "advocate", "id": "adv-1"}),
         request={"actor": "adv-3"}, covers=["R-CON-7"])
scenario("S-80", "Sharing without naming the recipient", "deny", ["R-DATA-1"], scope(third_parties=["mp-norwich-south"]),
         request={"action": "share_with_third_party", "target_org": None})
scenario("S-81", "Best-interests record for an adult presumed to have capacity", "deny", ["R-CAP-1"],
         authorities(holder_auth("bi1", "best_interests_record", holder=("organisation", "org-A"), reasons="…")))
scenario("S-82", "Own consent after an assessment found a lack of capacity", "deny", ["R-CAP-2"], person(capacity_assessments=LACKS))
scenario("S-83", "Next of kin for an adult who lacks capacity, no best-interests record", "deny", ["R-CAP-3"],
         via(holder_auth("nok1", "next_of_kin")))
scenario("S-84", "Attorney under a property & finance LPA acts directly", "deny", ["R-LPA-2"],
         authorities(holder_auth("a1", "lpa_property_finance", registered=True)), person(has_capacity=False, capacity_assessments=LACKS),
         request={"actor": "att-1"})
scenario("S-85", "Both LPAs registered: the health & welfare one decides", "allow", ["R-CON-1", "R-LPA-1"],
         authorities(holder_auth("a0", "lpa_property_finance", registered=True), holder_auth("a1", "lpa_health_welfare", registered=True),
                     written(granted_by="att-1")),
         person(has_capacity=False, capacity_assessments=LACKS), covers=["R-LPA-2"])
scenario("S-86", "Welfare deputy order that does not cover health", "deny", ["R-DEP-1"],
         via(holder_auth("d1", "court_deputy_welfare", granted_by="court_of_protection", evidence="court_order",
                         scope={"matters": ["accommodation"]})))
scenario("S-87", "Personal representative claimed for a living person", "deny", ["R-DEC-2"],
         via(holder_auth("pr-rep", "personal_representative", granted_by=None, evidence="grant_of_probate"), lacks=False))
scenario("S-88", "Next of kin with a claim drafting the complaint", "warn", ["R-DEC-1"],
         via(holder_auth("nok1", "next_of_kin", claim_arising_from_death=True), lacks=False), DEAD, covers=["R-DEC-3"])
scenario("S-89", "Health & welfare LPA after the donor's death", "deny", ["R-DEC-4"],
         via(holder_auth("a1", "lpa_health_welfare", registered=True)), DEAD)
scenario("S-90", "The acting advocate is named in the complaint", "warn", ["R-CONF-1"], case(subjects_of_complaint=["adv-1"]))
scenario("S-91", "Someone else is named in the complaint", "allow", ["R-WHO-1", "R-CON-1"], case(subjects_of_complaint=["staff-nurse-7"]),
         covers=["R-CONF-1"])
scenario("S-92", "29 days before the 12-month limit: no warning yet", "allow", ["R-WHO-1", "R-CON-1"],
         events(incident_date="2024-03-30", aware_date="2024-03-30"), covers=["R-TIME-2"])
scenario("S-93", "The 12-month limit is today", "warn", ["R-TIME-2"], events(incident_date="2024-03-01", aware_date="2024-03-01"))
scenario("S-94", "Aware later than the incident: the later date counts (the allow rests on R-TIME-1, issue 25)", "allow",
         ["R-WHO-1", "R-CON-1", "R-TIME-1"], events(incident_date="2023-06-01", aware_date="2024-06-01"))
scenario("S-95", "Acknowledged on time", "allow", ["R-WHO-1", "R-CON-1"], events(complaint_date="2025-02-24", acknowledged_on="2025-02-26"),
         request={"action": "check_deadlines"}, covers=["R-TIME-3"])
scenario("S-96", "Agreed extension has passed without a response", "warn", ["R-TIME-4"],
         events(complaint_date="2025-03-03", acknowledged_on="2025-03-04", response_extension_agreed_until="2025-09-30"),
         request={"action": "check_deadlines", "date": "2025-10-02"})
scenario("S-97", "PHSO more than 12 months after the final response", "warn", ["R-PHSO-1"],
         consent(valid_until="2026-12-31"), events(complaint_date="2025-02-10", final_response_on="2025-02-25"),
         request={"action": "refer_to_ombudsman", "target_org": "phso", "date": "2026-03-02"})


# --- issue 25, derived from CONSENT-RULES.md §2 "clarified 2026-12-02" ------------------------------------------------
def assessed(decision, date, result="lacks_capacity"):
    a = {"date": date, "result": result, "assessor": "Dr B"}
    if decision is not None:
        a["decision"] = decision
    return a

def assessments(*items, has_capacity=False):
    return person(capacity_assessments=list(items), has_capacity=has_capacity)

LPA = holder_auth("a1", "lpa_health_welfare", registered=True, evidence="opg_registration")
DEPUTY = holder_auth("d1", "court_deputy_welfare", granted_by="court_of_protection", evidence="court_order", scope={"matters": ["health"]})

# 1. Capacity is decision-specific: only assessments whose decision contains the word "complaint" count.
scenario("S-98", "Only assessment: lacks capacity to manage finances; attorney acts on the complaint", "deny", ["R-CAP-2"],
         via(LPA), assessments(assessed("manage property and finances", "2024-12-01")))
scenario("S-99", "Complaint assessment lacks capacity; a later finances assessment finds capacity: the attorney still acts", "allow",
         ["R-CON-1", "R-LPA-1"], via(LPA),
         assessments(assessed("conduct NHS complaint", "2024-12-01"), assessed("managing her finances", "2025-02-20", "has_capacity")))
scenario("S-100", "Assessment phrased 'making a complaint' counts", "allow", ["R-CON-1", "R-LPA-1"],
         via(LPA), assessments(assessed("making a complaint", "2024-12-01")))
scenario("S-101", "Assessment phrased 'Complaint about NHS care' (capitalised) counts", "allow", ["R-CON-1", "R-LPA-1"],
         via(LPA), assessments(assessed("Complaint about NHS care at trust-X", "2024-12-01")))
scenario("S-102", "Assessment phrased 'decisions about NHS complaints' (plural) counts", "allow", ["R-CON-1", "R-DEP-1"],
         via(DEPUTY), assessments(assessed("decisions about NHS complaints", "2024-12-01")))
scenario("S-103", "Later assessment 'the complaint' finds capacity: the attorney's authority lapses", "deny", ["R-CAP-2"],
         via(LPA), assessments(assessed("conduct NHS complaint", "2024-12-01"), assessed("whether to pursue the complaint", "2025-02-20", "has_capacity")))
scenario("S-104", "Only 'where to live' assessment, capacity not claimed: the donor is presumed to have capacity", "deny", ["R-LPA-1"],
         via(LPA), assessments(assessed("where to live", "2024-12-01"), has_capacity=None))
scenario("S-105", "Own consent while an assessment says the person lacks capacity for treatment decisions", "allow", ["R-WHO-1", "R-CON-1"],
         assessments(assessed("consent to medical treatment", "2024-12-01"), has_capacity=None), covers=["R-CAP-2"])
scenario("S-106", "Assessment with no decision recorded does not count", "deny", ["R-CAP-2"],
         via(LPA), assessments(assessed(None, "2024-12-01")))
scenario("S-107", "Complaint assessment dated on the request date counts (own consent refused)", "deny", ["R-CAP-2"],
         assessments(assessed("conduct NHS complaint", "2025-03-01"), has_capacity=None))
scenario("S-108", "Complaint assessment dated the day after the request does not yet count", "allow", ["R-WHO-1", "R-CON-1"],
         assessments(assessed("conduct NHS complaint", "2025-03-02"), has_capacity=None), covers=["R-CAP-2"])
scenario("S-109", "Best-interests record when only a finances assessment finds a lack of capacity", "deny", ["R-CAP-1"],
         authorities(holder_auth("bi1", "best_interests_record", holder=("organisation", "org-A"), reasons="…")),
         assessments(assessed("finances", "2024-12-01"), has_capacity=None))

# 2. A chained consent must be valid at its start in full (the holder's own conditions on valid_from 2025-01-05).
scenario("S-110", "Attorney instructed before any assessment recorded the donor's lack of capacity", "deny", ["R-LPA-1"],
         via(LPA), assessments(assessed("conduct NHS complaint", "2025-01-20")))
scenario("S-111", "Assessment dated on the day the attorney's consent began: valid at its start", "allow", ["R-CON-1", "R-LPA-1"],
         via(LPA), assessments(assessed("conduct NHS complaint", "2025-01-05")))
scenario("S-112", "Assessment dated the day after the attorney's consent began", "deny", ["R-LPA-1"],
         via(LPA), assessments(assessed("conduct NHS complaint", "2025-01-06")))
scenario("S-113", "Attorney's consent began after a finances assessment but before the complaint assessment", "deny", ["R-LPA-1"],
         via(LPA), assessments(assessed("finances", "2024-11-01"), assessed("the complaint", "2025-02-01")))
scenario("S-114", "Welfare deputy instructed before the lack of capacity was assessed", "deny", ["R-DEP-1"],
         via(DEPUTY), assessments(assessed("conduct NHS complaint", "2025-02-01")))
scenario("S-115", "Welfare deputy instructed the day after the assessment", "allow", ["R-CON-1", "R-DEP-1"],
         via(DEPUTY), assessments(assessed("conduct NHS complaint", "2025-01-04")))
scenario("S-116", "Parent instructed while the 16-year-old was presumed to have capacity (assessed later)", "deny", ["R-CHI-3"],
         via(PR, lacks=False), child("2008-06-01"), assessments(assessed("making a complaint", "2025-02-01")))
scenario("S-117", "Parent instructed after the 17-year-old was assessed as lacking capacity", "warn", ["R-WHO-3", "R-CHI-3"],
         via(PR, lacks=False), child("2007-06-01"), assessments(assessed("making a complaint", "2025-01-05")))
scenario("S-118", "Parent's instruction for a child who has become Gillick-competent", "deny", ["R-CHI-2"],
         via(PR, lacks=False), child("2011-01-01", gillick_competent=True))

# 3. Recorded verbal consent needs recorded_by and recorded_on.
scenario("S-119", "Verbal consent marked recorded but no recorded_by", "deny", ["R-CON-9"],
         authorities({**VERBAL, "recorded_by": None}))
scenario("S-120", "Verbal consent marked recorded but no recorded_on", "deny", ["R-CON-9"],
         authorities({k: v for k, v in VERBAL.items() if k != "recorded_on"}))
scenario("S-121", "Verbal consent marked recorded with neither who nor when", "deny", ["R-CON-9"],
         authorities({**VERBAL, "recorded_by": None, "recorded_on": None}), request={"action": "speak_by_phone"})
scenario("S-122", "Verbal consent with who and when but recorded not set true", "deny", ["R-CON-9"],
         authorities({k: v for k, v in VERBAL.items() if k != "recorded"}))
scenario("S-123", "Verbal consent recorded on the request date by a named advocate", "warn", ["R-CON-9"],
         authorities({**VERBAL, "recorded_on": "2025-03-01", "valid_from": "2025-03-01"}), request={"action": "attend_meeting"})
scenario("S-124", "Verbal consent whose recorded_by is blank", "deny", ["R-CON-9"], authorities({**VERBAL, "recorded_by": "  "}))

# 4. The rule that decided is named.
def chained_scope(**extra):
    """Changes the scope of the chained written consent that via() adds last."""
    def change(s):
        s["facts"]["authorities"][-1]["scope"].update(extra)
    return change

def actor(id, organisation):
    def change(s):
        s["facts"]["actors"][id] = {"kind": "advocate", "organisation": organisation}
    return change

scenario("S-125", "Colleague acts under the organisation's consent taken by adv-1", "allow", ["R-WHO-1", "R-CON-1", "R-CON-7"],
         consent(recorded_by="adv-1"), request={"actor": "adv-2"})
scenario("S-126", "The advocate who took the organisation's consent acts", "allow", ["R-WHO-1", "R-CON-1"],
         consent(recorded_by="adv-1"), covers=["R-CON-7"])
scenario("S-127", "Colleague under the organisation's consent, sharing with a named recipient", "allow",
         ["R-WHO-1", "R-CON-1", "R-CON-7", "R-DATA-1"], consent(recorded_by="adv-1"), scope(third_parties=["solicitor-firm-q", "mp-norwich-south"]),
         request={"actor": "adv-2", "action": "share_with_third_party", "target_org": "solicitor-firm-q"})
scenario("S-128", "Attorney's consent names the recipient", "allow", ["R-CON-1", "R-LPA-1", "R-DATA-1"],
         via(LPA), chained_scope(third_parties=["mp-norwich-south"]), request={"action": "share_with_third_party", "target_org": "mp-norwich-south"})
scenario("S-129", "Complaint made on the last day of a limit counted from awareness", "allow", ["R-WHO-1", "R-CON-1", "R-TIME-1"],
         events(incident_date="2023-12-01", aware_date="2024-02-10", complaint_date="2025-02-10"))
scenario("S-130", "Awareness on 29 Feb, complaint on 28 Feb next year (incident limit passed)", "allow", ["R-WHO-1", "R-CON-1", "R-TIME-1"],
         events(incident_date="2023-10-01", aware_date="2024-02-29", complaint_date="2025-02-28"))
scenario("S-131", "Complaint one day after a limit counted from awareness", "warn", ["R-TIME-1"],
         events(incident_date="2023-12-01", aware_date="2024-02-10", complaint_date="2025-02-11"))
scenario("S-132", "Two consented transfers org-A to org-B to org-C", "allow", ["R-WHO-1", "R-CON-1", "R-CON-8"], actor("adv-4", "org-C"),
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-02-01", "consented": True},
                         {"from_org": "org-B", "to_org": "org-C", "date": "2025-02-15", "consented": True}]), request={"actor": "adv-4"})
scenario("S-133", "Consented transfer dated on the request date", "allow", ["R-WHO-1", "R-CON-1", "R-CON-8"],
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-03-01", "consented": True}]), request={"actor": "adv-3"})
scenario("S-134", "Named-advocate consent reaches a partner organisation by a consented transfer", "allow", ["R-WHO-1", "R-CON-1", "R-CON-8"],
         consent(grantee={"type": "advocate", "id": "adv-1"}),
         case(transfers=[{"from_org": "org-A", "to_org": "org-B", "date": "2025-02-10", "consented": True}]), request={"actor": "adv-3"})
scenario("S-135", "Unregistered LPA for a donor with capacity: both causes named", "deny", ["R-LPA-1"],
         via(holder_auth("a1", "lpa_health_welfare", registered=False), lacks=False), explains=["not registered", "has capacity"])
scenario("S-136", "Unregistered LPA for a donor who regained capacity", "deny", ["R-LPA-1", "R-CAP-2"],
         via(holder_auth("a1", "lpa_health_welfare", registered=False)),
         assessments(assessed("conduct NHS complaint", "2024-12-01"), assessed("conduct NHS complaint", "2025-02-20", "has_capacity")),
         explains=["not registered", "regained capacity"])
scenario("S-137", "Unregistered LPA, incapacity claimed without an assessment", "deny", ["R-LPA-1", "R-CAP-2"],
         via(holder_auth("a1", "lpa_health_welfare", registered=False)), person(capacity_assessments=[]),
         explains=["not registered", "No recorded assessment"])
scenario("S-138", "Welfare deputy order without health matters for a person presumed to have capacity", "deny", ["R-DEP-1", "R-CAP-1"],
         via(holder_auth("d1", "court_deputy_welfare", granted_by="court_of_protection", evidence="court_order",
                         scope={"matters": ["accommodation"]}), lacks=False), explains=["health", "presumed to have capacity"])

print(json.dumps(scenarios, indent=1))
