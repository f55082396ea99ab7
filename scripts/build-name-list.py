#!/usr/bin/env python3
"""Builds the open name list used by the unregistered-name finder (Sources/Redaction/NameFinder.swift).

    scripts/build-name-list.py [--work DIR]

Sources (all openly licensed; see data/name-list/README.md for the licence texts):
  * faker 40.40.0 (PyPI, MIT): faker/providers/person/en_GB — given names and surnames taken by its
    authors from the ONS (Office for National Statistics) reference tables: the UK list; and
    faker/providers/person/en_IN and en_PK (same package and licence) — Indian and Pakistani given names and
    surnames in Latin letters (Priya, Anjali, Mohammed, Kaur, Bilal…): South Asian names are common in UK
    complaints and were missing from the ONS and US Census lists.
  * names 0.3.0 (PyPI, MIT code; data public domain): dist.male.first, dist.female.first, dist.all.last —
    the US Census Bureau's 1990 name frequency files, to widen the given-name list and add surnames.
  * wbritish 2020.12.07 (Debian, SCOWL permissive licence): /usr/share/dict/british-english — only to mark
    names that are also everyday English words ("Will", "May", "Hope", "Brown"), which the finder then only
    accepts with context (a title, a relation word, a salutation, a second name word).

  * Sources/Redaction/NameListSupplement.swift (compiled by hand for casevault): common South Asian given
    names and surnames none of the lists above hold, with their flags; read from that file (its `packed`
    literal), so the list it adds to is not typed twice. The engine merges the supplement too, so a name added
    there works before this script is run again (a name in both only gains flags).

Writes data/name-list/names.tsv (the data file: name, flags) and Sources/Redaction/NameListData.swift (the
same data as a string literal, so the engine stays pure: no file is read at run time).
Flags: g = given name, s = surname, c = also a common lower-case English word."""
import argparse, ast, io, os, subprocess, sys, tarfile, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKER = ("faker", "40.40.0")
NAMES = ("names", "0.3.0")
SOUTH_ASIAN = ("en_IN", "en_PK")  # faker's Latin-letter Indian and Pakistani name lists
DICTIONARY = "/usr/share/dict/british-english"
US_SURNAMES = 15000      # the most frequent US Census surnames (about 80 % of people)
US_GIVEN_MIN_SHARE = 0.0  # every US Census given name (5,494)

p = argparse.ArgumentParser()
p.add_argument("--work", help="a folder for the downloaded packages (default: a temporary one)")
args = p.parse_args()
work = args.work or tempfile.mkdtemp(prefix="name-list-")


def download(name, version):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":none:", f"{name}=={version}", "-d", work],
                   check=True, stdout=subprocess.DEVNULL)
    for entry in os.listdir(work):
        if entry.lower().startswith(name.lower() + "-" + version):
            return os.path.join(work, entry)
    sys.exit(f"{name} {version} was not downloaded")


def faker_lists(locale="en_GB"):
    with zipfile.ZipFile(download(*FAKER)) as wheel:
        source = wheel.read(f"faker/providers/person/{locale}/__init__.py").decode()
    given, surnames = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target in ("first_names", "first_names_male", "first_names_female") and isinstance(node.value, (ast.Tuple, ast.List)):
                given |= {element.value for element in node.value.elts}
            elif target == "last_names":
                if isinstance(node.value, (ast.Tuple, ast.List)):
                    surnames |= {element.value for element in node.value.elts}
                else:
                    # OrderedDict((("Savage", 0.04), ...))
                    pairs = node.value.args[0].elts
                    surnames |= {pair.elts[0].value for pair in pairs}
    return given, surnames


def census_lists():
    with tarfile.open(download(*NAMES)) as archive:
        def rows(suffix):
            member = next(m for m in archive.getmembers() if m.name.endswith(suffix))
            return [line.split() for line in io.TextIOWrapper(archive.extractfile(member), encoding="ascii") if line.strip()]
        given = {row[0].capitalize() for suffix in ("names/dist.male.first", "names/dist.female.first") for row in rows(suffix)
                 if float(row[1]) >= US_GIVEN_MIN_SHARE}
        surnames = {row[0].capitalize() for row in rows("names/dist.all.last")[:US_SURNAMES]}
    return given, surnames


def supplement():
    """Name -> flags from NameListSupplement.swift's `packed` literal (one "Name flags" a line)."""
    path = os.path.join(ROOT, "Sources/Redaction/NameListSupplement.swift")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    start = source.index('static let packed = """') + len('static let packed = """')
    body = source[start:source.index('"""', start)]
    entries = {}
    for line in body.splitlines():
        parts = line.split()
        if len(parts) != 2 or not set(parts[1]) <= set("gsc"):
            continue
        entries[parts[0]] = entries.get(parts[0], "") + parts[1]
    if not entries:
        sys.exit(f"no names read from {path}")
    return entries


def common_words():
    if not os.path.exists(DICTIONARY):
        sys.exit(f"{DICTIONARY} is missing: apt-get install wbritish")
    with open(DICTIONARY, encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip() and line.strip().islower()}


uk_given, uk_surnames = faker_lists()
for locale in SOUTH_ASIAN:
    more_given, more_surnames = faker_lists(locale)
    uk_given |= more_given
    uk_surnames |= more_surnames
us_given, us_surnames = census_lists()
common = common_words()
given = {name for name in uk_given | us_given if name.isalpha() and len(name) >= 2}
surnames = {name for name in uk_surnames | us_surnames if name.replace("'", "").replace("-", "").isalpha() and len(name) >= 2}
extra = supplement()
entries = []
for name in sorted(given | surnames | set(extra), key=str.lower):
    # The supplement's flags are added to what the open lists say (its "c" was checked against the same dictionary).
    marks = extra.get(name, "")
    flags = ("g" if name in given or "g" in marks else "") + ("s" if name in surnames or "s" in marks else "") \
        + ("c" if name.lower() in common or "c" in marks else "")
    entries.append((name, flags))

os.makedirs(os.path.join(ROOT, "data/name-list"), exist_ok=True)
with open(os.path.join(ROOT, "data/name-list/names.tsv"), "w", encoding="utf-8") as out:
    for name, flags in entries:
        out.write(f"{name}\t{flags}\n")

with open(os.path.join(ROOT, "Sources/Redaction/NameListData.swift"), "w", encoding="utf-8") as out:
    out.write("// GENERATED by scripts/build-name-list.py from data/name-list/names.tsv: do not edit by hand.\n")
    out.write("// Sources and licences: data/name-list/README.md (faker en_GB / ONS and en_IN / en_PK, MIT; US Census\n")
    out.write("// 1990 via the names package, public domain; SCOWL british-english, permissive). One entry a line: name,\n")
    out.write("// space, flags (g given name, s surname, c also a common English word).\n\n")
    out.write("enum NameListData {\n")
    out.write(f"    static let count = {len(entries)}\n")
    out.write("    static let packed = \"\"\"\n")
    for name, flags in entries:
        out.write(f"{name} {flags}\n")
    out.write("\"\"\"\n}\n")

print(f"{len(entries)} names: {sum('g' in f for _, f in entries)} given, {sum('s' in f for _, f in entries)} surnames, "
      f"{sum('c' in f for _, f in entries)} also common words")
