#!/bin/sh
# The descriptions of trykk that are made from, or must follow, its own tables and
# command line: the JSON Schemas in docs/schema are what `trykk schema` makes from
# the loader's key tables (so every key the loader accepts is in them and no other)
# and describe the same keysets as the key reference in docs/format.md; every
# content and layout file in the repository, and the flyer layout in the students'
# guide, passes them; the man page and the bash completion know every command.
# Validation uses python3 with PyYAML when it is there (and jsonschema, when that
# is there too); without PyYAML only the top-level keys are checked.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
OUT=tests/out/schema
rm -rf "$OUT" && mkdir -p "$OUT"

for kind in content layout; do
	./trykk schema "$kind" >"$OUT/$kind.schema.json" 2>"$OUT/$kind.err"
	equals "schema $kind: exit status and no messages" "$? $(cat "$OUT/$kind.err")" "0 "
	check "docs/schema/$kind.schema.json is current (regenerate with: trykk schema $kind)" \
		cmp "$OUT/$kind.schema.json" "docs/schema/$kind.schema.json"
	check "schema $kind is JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		"$OUT/$kind.schema.json"
done
./trykk schema >/dev/null 2>"$OUT/usage.err"
equals "schema without a kind: usage error" "$?" "2"
contains "schema without a kind: says which" "$(cat "$OUT/usage.err")" "trykk schema content"
./trykk schema layout >/dev/full 2>"$OUT/full.err"
equals "schema to a full disk: I/O error" "$?" "3"

# The same output twice (nothing depends on time or addresses).
./trykk schema layout >"$OUT/again.json"
check "schema output is repeatable" cmp "$OUT/again.json" "$OUT/layout.schema.json"

# The schemas and docs/format.md (keydoc) come from the same tables: the same
# keysets with the same keys.
if [ -x build/keydoc ]; then
	build/keydoc >"$OUT/keydoc.md"
	r=$(python3 - "$OUT/keydoc.md" docs/schema/content.schema.json docs/schema/layout.schema.json <<'EOF'
import json, re, sys
doc = {}
cur = None
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^### (.+)$", line)
    if m:
        cur = doc.setdefault(m.group(1).strip(), set())
        continue
    m = re.match(r"^\| `([^`]+)` \|", line)
    if m and cur is not None:
        cur.add(m.group(1))
schema = {}
for path in sys.argv[2:]:
    s = json.load(open(path, encoding="utf-8"))
    schema[s["title"]] = set(s["properties"])
    for d in s["$defs"].values():
        if "title" in d:
            schema[d["title"]] = set(d["properties"])
bad = [f"{k}: docs {sorted(doc.get(k, []))} schema {sorted(schema.get(k, []))}"
       for k in sorted(set(doc) | set(schema)) if doc.get(k) != schema.get(k)]
print("\n".join(bad) if bad else "same")
EOF
)
	equals "schemas and docs/format.md list the same keysets and keys" "$r" "same"
fi

# Every content and layout file in the repository passes its schema (the error
# corpus and fuzz inputs are wrong on purpose and are left out), and so does the
# layout the guide for students gives in full.
# The validator: the subset of JSON Schema that trykk's schemas use, on files read
# with PyYAML; jsonschema as well when it is installed.
cat >"$OUT/validate.py" <<'EOF'
import json, re, sys
content, layout = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
files = sys.argv[3:]
try:
    import yaml
except ImportError:
    yaml = None
try:
    import jsonschema
except ImportError:
    jsonschema = None

def resolve(root, s):
    while "$ref" in s:
        s = {**root["$defs"][s["$ref"].split("/")[-1]],
             **{k: v for k, v in s.items() if k != "$ref"}}
    return s

TYPES = {"string": str, "number": (int, float), "boolean": bool, "object": dict,
         "array": list}

def errors(root, s, v, where):
    """The subset of JSON Schema that trykk's schemas use."""
    s = resolve(root, s)
    out = []
    if "anyOf" in s:
        if all(errors(root, alt, v, where) for alt in s["anyOf"]):
            out.append(f"{where}: matches none of the alternatives")
    t = s.get("type")
    if t and not (isinstance(v, TYPES[t]) and not (t == "number" and isinstance(v, bool))):
        return out + [f"{where}: expected {t}, found {type(v).__name__}"]
    if "enum" in s and v not in s["enum"]:
        out.append(f"{where}: {v!r} is not one of {s['enum']}")
    if "const" in s and v != s["const"]:
        out.append(f"{where}: {v!r} is not {s['const']!r}")
    if "pattern" in s and isinstance(v, str) and not re.search(s["pattern"], v):
        out.append(f"{where}: {v!r} does not match {s['pattern']}")
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if v < s.get("minimum", v) or v > s.get("maximum", v):
            out.append(f"{where}: {v} is out of range")
    if isinstance(v, list):
        if not s.get("minItems", 0) <= len(v) <= s.get("maxItems", len(v)):
            out.append(f"{where}: {len(v)} items")
        for i, x in enumerate(v):
            out += errors(root, s.get("items", {}), x, f"{where}[{i}]")
    if isinstance(v, dict):
        props = s.get("properties", {})
        extra = s.get("additionalProperties", True)
        for k, x in v.items():
            if k in props:
                out += errors(root, props[k], x, f"{where}.{k}")
            elif extra is False:
                out.append(f"{where}: unknown key {k!r}")
            elif isinstance(extra, dict):
                out += errors(root, extra, x, f"{where}.{k}")
    return out

bad = []
for path in files:
    text = open(path, encoding="utf-8").read()
    is_layout = "/layouts/" in "/" + path or re.search(r"^pages:", text, re.M)
    schema = layout if is_layout else content
    if yaml is None:
        keys = re.findall(r"^([A-Za-z_][A-Za-z0-9_-]*):", text, re.M)
        bad += [f"{path}: unknown top-level key {k!r}" for k in keys
                if k not in schema["properties"]]
        continue
    data = yaml.safe_load(text) or {}
    bad += [f"{path}{e}" for e in errors(schema, schema, data, "")]
    if jsonschema:
        v = jsonschema.Draft202012Validator(schema)
        bad += [f"{path}: jsonschema: {e.message}" for e in v.iter_errors(data)]
mode = "" if yaml else " (top-level keys only: no PyYAML)"
print("\n".join(bad) if bad else f"{len(files)} files pass{mode}")
EOF
files=$(find content layouts tests/preflight tests/e2e -name '*.yaml' -not -path 'tests/out/*' | sort)
r=$(python3 "$OUT/validate.py" docs/schema/content.schema.json docs/schema/layout.schema.json $files)
contains "every content and layout file passes its schema" "$r" "files pass"
r=$(python3 "$OUT/validate.py" docs/schema/content.schema.json docs/schema/layout.schema.json \
	tests/e2e/cards/broken.yaml layouts/plakat.yaml)
contains "the validator reads content and layouts apart" "$r" "2 files pass"

# The flyer layout that docs/guide-new-layout.md gives in full passes the schema and
# builds the poster's content without errors or warnings.
mkdir -p "$OUT/guide/layouts"
awk '/^```yaml$/ { inblock = 1; block = ""; next }
     /^```$/ && inblock { inblock = 0; if (block ~ /^name: Flyer A4/) printf "%s", block; next }
     inblock { block = block $0 "\n" }' docs/guide-new-layout.md >"$OUT/guide/layouts/flyer-a4.yaml"
check "the guide has the flyer layout" test -s "$OUT/guide/layouts/flyer-a4.yaml"
r=$(python3 "$OUT/validate.py" docs/schema/content.schema.json docs/schema/layout.schema.json \
	"$OUT/guide/layouts/flyer-a4.yaml")
contains "the guide's flyer layout passes the schema" "$r" "1 files pass"
./trykk build -o "$OUT/guide" --layout "$OUT/guide/layouts/flyer-a4.yaml" \
	content/plakat-edru-voksne.yaml 2>"$OUT/guide.err"
equals "the guide's flyer builds cleanly" "$? $(cat "$OUT/guide.err")" "0 "

# The checker does catch what the loader refuses: an unknown key, a length
# without a unit, a colour with three inks, an unknown top-level key.
mkdir -p "$OUT/bad/layouts"
printf 'name: x\npage: {size: A4, colour: red}\npages: []\n' >"$OUT/bad/layouts/key.yaml"
printf 'page: {size: A4, bleed: 3}\npages: []\n' >"$OUT/bad/layouts/unit.yaml"
printf 'page: {size: A4}\nswatches: {a: [1, 2, 3]}\npages: []\n' >"$OUT/bad/layouts/ink.yaml"
printf 'page: {size: A4}\npages: []\nswatch:\n  a: [1, 2, 3, 4]\n' >"$OUT/bad/layouts/top.yaml"
for f in key unit ink top; do
	r=$(python3 "$OUT/validate.py" docs/schema/content.schema.json docs/schema/layout.schema.json \
		"$OUT/bad/layouts/$f.yaml")
	case $r in
	*"top-level keys only"*) ok "bad layout ($f): not checked without PyYAML" ;;
	*"files pass") bad "bad layout ($f) fails the schema" "$r" ;;
	*) ok "bad layout ($f) fails the schema" ;;
	esac
done

# The other descriptions of the command line know every command: the man page
# (rendered without warnings) and the bash completion.
cmds=$(./trykk --help | sed -n 's/^ *\(usage:\)\{0,1\} *trykk \([a-z][a-z]*\).*/\2/p' | sort -u | tr '\n' ' ')
equals "trykk --help lists the commands" "$cmds" "build preflight schema watch "
if command -v man >/dev/null 2>&1; then
	page=$(MANWIDTH=100 man -l docs/trykk.1 2>"$OUT/man.err")
	equals "docs/trykk.1 renders without warnings" "$(cat "$OUT/man.err")" ""
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS FILES "EXIT STATUS" EXAMPLES; do
		contains "man page: section $s" "$page" "
$s"
	done
	for c in $cmds; do
		contains "man page: trykk $c" "$page" "trykk $c"
	done
fi
if command -v bash >/dev/null 2>&1; then
	r=$(bash -c '. docs/completion/trykk.bash
		COMP_WORDS=(trykk ""); COMP_CWORD=1; _trykk; echo "${COMPREPLY[*]}"
		COMP_WORDS=(trykk build --layout layouts/plak); COMP_CWORD=3; _trykk; echo "${COMPREPLY[*]}"
		COMP_WORDS=(trykk preflight content/plakat-e); COMP_CWORD=2; _trykk; echo "${COMPREPLY[*]}"
		COMP_WORDS=(trykk build --only print,s); COMP_CWORD=3; _trykk; echo "${COMPREPLY[*]}"
		COMP_WORDS=(trykk watch --max); COMP_CWORD=2; _trykk; echo "${COMPREPLY[*]}"' 2>&1)
	equals "bash completion: commands, --layout, content files, --only, options" "$r" \
"build preflight watch schema --help --version
layouts/plakat-bilde.yaml layouts/plakat.yaml
content/plakat-edru-voksne.yaml
print,screen
--max-rebuilds"
fi

# make install puts the program, the man page and the completion where PREFIX says
# (-o trykk: installs the binary at hand, which under make asan is the instrumented one).
rm -rf "$OUT/inst"
make -s -o trykk install DESTDIR="$PWD/$OUT/inst" PREFIX=/opt/trykk >"$OUT/install.log" 2>&1
equals "make install DESTDIR PREFIX: exit 0" "$?" "0"
equals "make install: the files" "$(cd "$OUT/inst" && find . -type f | sort | tr '\n' ' ')" \
	"./opt/trykk/bin/trykk ./opt/trykk/share/bash-completion/completions/trykk ./opt/trykk/share/man/man1/trykk.1 "
equals "make install: the installed program runs" "$("$OUT/inst/opt/trykk/bin/trykk" --version | cut -d' ' -f1)" "trykk"
finish
