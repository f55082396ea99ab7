#!/usr/bin/env python3
"""Rewrites the command table in SECURITY.md ("Who may do what") from `casevault __access-table`.
Usage: scripts/access-table.py .build/debug/casevault   (AuthorizationTests fails when the two disagree)."""
import json
import subprocess
import sys

rows = json.loads(subprocess.run([sys.argv[1], "__access-table"], check=True, stdout=subprocess.PIPE).stdout)
lines = ["| command | operation | who may | consent action checked |", "|---|---|---|---|"]
for r in rows:
    if r["command"].startswith("__"):
        continue
    lines.append("| `%s` | %s | %s | %s |" % (r["command"], ", ".join("`%s`" % o for o in r["operations"]),
                                            "; or ".join(r["who"]), ", ".join("`%s`" % c for c in r["consent"]) or "—"))
text = open("SECURITY.md").read()
start = text.index("| command | operation | who may | consent action checked |")
end = text.index("\n\n", start)
open("SECURITY.md", "w").write(text[:start] + "\n".join(lines) + text[end:])
