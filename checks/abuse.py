"""RSP501's vocabulary of disrespectful language, per language, matched by stem.

Each entry stands for a kind of language (a vulgar word, an insult for a person, a slur, a
word that dehumanises a group), never for a sentence seen in data. Entries are matched on the
normalised view (`checks.normalize`: case, accents, look-alike letters and leetspeak folded,
hashtags split), and by stem, so inflected forms match without listing them: each one-word
entry is reduced by its language's Snowball stemmer, and a word matches when it starts with
that stem (at least `MIN_STEM` letters) and goes on for at most `MAX_ENDING` more letters
("idiot" -> "idiots", "idiotas", "Idioten", "idioti"; "coglione" -> "coglioni"). Shorter
entries match as written or with a plural ending. Masked forms ("f*ck", "c**t") match
the entry of their length whose letters they show. German entries marked `-` also end
compounds ("Medienpack").
Arabic entries take the attached article and conjunctions ("والخنازير").

`KINDS`:
- `profanity`, `insult`, `slur`: fire on their own;
- `group`: words that dehumanise people (animals, vermin, parasites), only after a word that
  points them at people ("these", "you", "ces", "estos", "diese", "questi", "esses", "يا").

Words that are also innocent in another language are marked `~` and count only in a text
detected in their language ("con" is French for an idiot and Spanish for "with").

Not fired: a word inside a handle or a link; an insult reported as received ("he called me a
liar", "m'a traité de", "me llamó"); an insult in quotation marks (quoting is not insulting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import ahocorasick

from checks.normalize import norm_phrase

MIN_STEM = 4
MAX_ENDING = 4
# Endings a short entry may take (plurals, gender): "pute" -> "putes", "culo" -> "culos".
SHORT_ENDINGS = ("", "s", "es")

VOCABULARY: dict[str, dict[str, list[str]]] = {
    "en": {
        "profanity": [
            "fuck",
            "fucking",
            "fucker",
            "motherfucker",
            "shit",
            "shitty",
            "bullshit",
            "cunt",
            "asshole",
            "arsehole",
            "dickhead",
            "bastard",
            "bitch",
            "wanker",
            "twat",
            "prick",
            "piss off",
            "pissed off",
            "dumbass",
            "jackass",
            "douchebag",
            "bollocks",
            "stfu",
            "gtfo",
            "wtf",
            "damn you",
            "screw you",
            "go to hell",
            "bloody hell",
            "son of a bitch",
        ],
        "insult": [
            "idiot",
            "moron",
            "imbecile",
            "cretin",
            "stupid",
            "dumb",
            "retard",
            "retarded",
            "loser",
            "scumbag",
            "clown",
            "buffoon",
            "halfwit",
            "dimwit",
            "nitwit",
            "numpty",
            "lowlife",
            "degenerate",
            "fool",
            "creep",
            "pervert",
            "psycho",
            "lunatic",
            "airhead",
            "bimbo",
            "slut",
            "whore",
            "skank",
            "thot",
            "shut up",
            "piece of shit",
            "piece of garbage",
            "brain dead",
            "braindead",
            "libtard",
        ],
        "slur": [
            "nigger",
            "nigga",
            "faggot",
            "fag",
            "dyke",
            "tranny",
            "kike",
            "spic",
            "chink",
            "wetback",
            "raghead",
            "towelhead",
            "paki",
            "gook",
            "beaner",
            "coon",
            "sandnigger",
        ],
        "group": [
            "animals",
            "vermin",
            "parasites",
            "cockroaches",
            "rats",
            "savages",
            "subhumans",
            "scum",
            "filth",
            "invaders",
            "leeches",
        ],
    },
    "fr": {
        "profanity": [
            "putain",
            "merde",
            "ta gueule",
            "ferme ta gueule",
            "ferme-la",
            "va te faire foutre",
            "nique",
            "niquer",
            "fils de pute",
            "enculé",
            "enculer",
            "bordel",
            "foutre",
            "chier",
            "~fdp",
            "ntm",
            "~tg",
            "connerie",
        ],
        "insult": [
            "connard",
            "connasse",
            "~con",
            "conne",
            "salaud",
            "salope",
            "pute",
            "abruti",
            "débile",
            "crétin",
            "imbécile",
            "idiot",
            "~mongol",
            "gogol",
            "taré",
            "bouffon",
            "minable",
            "ordure",
            "raclure",
            "bâtard",
            "pétasse",
            "pouffiasse",
            "grognasse",
            "clochard",
            "dégénéré",
            "trouduc",
            "cassos",
            "boloss",
            "guignol",
            "tocard",
            "sale chien",
            "sale race",
        ],
        "slur": [
            "bougnoule",
            "bicot",
            "youpin",
            "négro",
            "nègre",
            "pédé",
            "~pd",
            "tapette",
            "tarlouze",
            "gouine",
            "bamboula",
            "chinetoque",
            "niakoué",
        ],
        "group": ["animaux", "porcs", "rats", "parasites", "cafards", "sauvages", "vermine"],
    },
    "es": {
        "profanity": [
            "mierda",
            "joder",
            "coño",
            "hostia",
            "puta madre",
            "hijo de puta",
            "hija de puta",
            "me cago en",
            "cago en",
            "vete a la mierda",
            "carajo",
            "chingada",
            "chingar",
            "verga",
            "cojones",
            "hdp",
            "ctm",
            "concha de tu madre",
            "malparido",
            "pendejada",
        ],
        "insult": [
            "gilipollas",
            "imbécil",
            "idiota",
            "estúpido",
            "cabrón",
            "pendejo",
            "zorra",
            "puta",
            "guarra",
            "subnormal",
            "tonto",
            "tarado",
            "retrasado",
            "mongólico",
            "payaso",
            "escoria",
            "asqueroso",
            "imbécil",
            "capullo",
            "mamón",
            "pelotudo",
            "boludo",
            "huevón",
            "culero",
            "cretino",
            "golfa",
            "furcia",
            "ramera",
            "malnacido",
        ],
        "slur": [
            "maricón",
            "marica",
            "sudaca",
            "panchito",
            "machupichu",
            "negrata",
            "moraco",
            "moromierda",
            "bollera",
            "travelo",
            "sarasa",
        ],
        "group": ["animales", "cerdos", "ratas", "parásitos", "salvajes", "alimañas", "bestias"],
    },
    "de": {
        "profanity": [
            "scheiße",
            "scheisse",
            "scheiß",
            "scheiss",
            "verdammt",
            "fick",
            "ficken",
            "fick dich",
            "verpiss dich",
            "halt die fresse",
            "halts maul",
            "leck mich",
            "arsch",
            "kotzen",
            "zum kotzen",
            "kotzt",
            "am arsch",
            "im arsch",
        ],
        "insult": [
            "arschloch",
            "idiot",
            "vollidiot",
            "depp",
            "trottel",
            "wichser",
            "hurensohn",
            "fotze",
            "schlampe",
            "hure",
            "missgeburt",
            "mißgeburt",
            "spast",
            "spasti",
            "dummkopf",
            "schwachkopf",
            "schwachmat",
            "volltrottel",
            "penner",
            "drecksau",
            "~sau",
            "dreckschwein",
            "schwein",
            "bastard",
            "vollpfosten",
            "honk",
            "dumm",
            "blöd",
            "bekloppt",
            "versager",
            "witzfigur",
            "hohlkopf",
            "dumpfbacke",
            "lügenpresse",
            "-pack",
            "-gesindel",
            "-dreck",
            "-idiot",
            "-idioten",
            "-trottel",
            "-schwein",
            "-schweine",
            "-abschaum",
        ],
        "slur": [
            "kanake",
            "neger",
            "schwuchtel",
            "zigeuner",
            "kameltreiber",
            "musel",
            "bimbo",
            "untermensch",
            "tunte",
        ],
        "group": [
            "tiere",
            "ratten",
            "parasiten",
            "ungeziefer",
            "pack",
            "gesindel",
            "abschaum",
            "schmarotzer",
            "viecher",
        ],
    },
    "it": {
        "profanity": [
            "cazzo",
            "cazzi",
            "merda",
            "vaffanculo",
            "fanculo",
            "stronzata",
            "minchia",
            "porca puttana",
            "porco dio",
            "coglioni",
            "rompere i coglioni",
            "culo",
            "in culo",
            "del cazzo",
            "di merda",
            "che schifo",
            "fottiti",
            "fottuto",
            "incazzato",
        ],
        "insult": [
            "stronzo",
            "coglione",
            "idiota",
            "imbecille",
            "cretino",
            "deficiente",
            "scemo",
            "puttana",
            "troia",
            "zoccola",
            "bastardo",
            "cornuto",
            "testa di cazzo",
            "fancazzista",
            "demente",
            "buffone",
            "pagliaccio",
            "feccia",
            "schifoso",
            "verme",
            "ritardato",
            "mongoloide",
            "somaro",
            "babbeo",
            "pezzente",
            "sfigato",
            "cialtrone",
            "sinistroide",
            "terrone",
        ],
        "slur": [
            "negro",
            "frocio",
            "finocchio",
            "ricchione",
            "zingaro",
            "zingari",
            "marocchino di",
            "negri",
            "culattone",
        ],
        "group": ["animali", "bestie", "maiali", "ratti", "parassiti", "scarafaggi", "vermi"],
    },
    "pt": {
        "profanity": [
            "porra",
            "caralho",
            "merda",
            "puta que pariu",
            "pqp",
            "foda",
            "foda-se",
            "fodase",
            "foder",
            "~fdp",
            "filho da puta",
            "filha da puta",
            "vai tomar no cu",
            "tomar no cu",
            "toma no cu",
            "tnc",
            "vtnc",
            "~cu",
            "buceta",
            "cacete",
            "desgraça",
            "desgraçado",
            "bosta",
            "vsf",
            "vai se foder",
        ],
        "insult": [
            "idiota",
            "imbecil",
            "otário",
            "babaca",
            "~burro",
            "vagabunda",
            "vagabundo",
            "vadia",
            "piranha",
            "puta",
            "escroto",
            "canalha",
            "corno",
            "arrombado",
            "retardado",
            "retardada",
            "fracassado",
            "jumento",
            "trouxa",
            "palhaço",
            "nojento",
            "cretino",
            "imundo",
            "asqueroso",
            "otária",
            "cuzão",
            "~mongol",
            "estúpido",
        ],
        "slur": ["viado", "veado", "bicha", "sapatão", "traveco", "crioulo"],
        "group": ["animais", "porcos", "ratos", "parasitas", "vermes", "baratas"],
    },
    "ar": {
        "profanity": [
            "كس",
            "كسم",
            "طيز",
            "منيوك",
            "منيك",
            "نيك",
            "شرموطة",
            "شرموطه",
            "قحبة",
            "قحبه",
            "عاهرة",
            "عاهره",
            "زب",
            "يلعن",
            "لعنة",
            "لعنه",
            "تفو",
            "ابن الكلب",
            "ابن الحرام",
            "بول البعير",
        ],
        "insult": [
            "كلاب",
            "خنازير",
            "حقير",
            "حقيرة",
            "قذر",
            "وسخ",
            "وسخين",
            "زبالة",
            "زباله",
            "حثالة",
            "حثاله",
            "غبي",
            "أغبياء",
            "اغبياء",
            "خاين",
            "خائن",
            "خونة",
            "خونه",
            "منافق",
            "جبان",
            "تافه",
            "ساقط",
            "ساقطة",
            "واطي",
            "انجاس",
            "نجس",
            "كافر",
            "ديوث",
            "مخنث",
            "لوطي",
            "قبيح",
            "اقبح",
            "ما اقبح",
        ],
        "slur": ["مجوس", "روافض", "رافضي"],
        # literal animals as well: an insult when pointed at people ("يا كلب")
        "group": ["كلب", "خنزير", "حمار", "حمير", "حيوان", "حيوانات", "بهائم"],
    },
}

# Words that point a `group` word at people.
POINTERS = {
    "en": ["these", "those", "you", "such", "filthy", "dirty", "disgusting", "bunch of"],
    "fr": ["ces", "vous", "sales", "bande de", "espèce de", "ce sont des"],
    "es": ["estos", "estas", "esos", "esas", "malditos", "putos", "sois", "son unos"],
    "de": ["diese", "dieses", "ihr", "euch", "dreckiges", "dreckige", "solche"],
    "it": ["questi", "queste", "quelli", "quelle", "siete", "sono delle", "sono degli"],
    "pt": ["esses", "essas", "estes", "seus", "suas", "bando de", "são uns"],
    "ar": ["يا", "ابن", "ولاد", "انتم", "هؤلاء", "هذا", "هذي"],
}

# People by origin, religion, nationality or sexuality, for insults of a group: a slur-like
# modifier before the noun ("sale arabe", "dirty immigrants", "Scheiß-Ausländer") or a vulgar
# phrase after it ("moros de mierda", "negri di merda").
GROUP_NOUNS = [
    # en
    "jews",
    "jew",
    "muslims",
    "muslim",
    "arabs",
    "arab",
    "blacks",
    "immigrants",
    "immigrant",
    "migrants",
    "migrant",
    "refugees",
    "mexicans",
    "gays",
    "gay",
    "africans",
    "asians",
    "gypsies",
    "foreigners",
    "women",
    "feminists",
    # fr
    "arabe",
    "arabes",
    "juif",
    "juifs",
    "juive",
    "noir",
    "noirs",
    "noire",
    "musulman",
    "musulmans",
    "musulmane",
    "immigre",
    "immigres",
    "migrants",
    "africain",
    "africains",
    "chinois",
    "gitan",
    "gitans",
    "roms",
    "rom",
    "francais",
    "blanc",
    "blancs",
    "renoi",
    "renois",
    "inculte",
    "race",
    # es
    "moro",
    "moros",
    "judio",
    "judios",
    "negro",
    "negros",
    "musulmanes",
    "inmigrantes",
    "inmigrante",
    "gitanos",
    "gitano",
    "sudacas",
    "latinos",
    "extranjeros",
    "feministas",
    # de
    "juden",
    "muslime",
    "auslander",
    "fluchtlinge",
    "migranten",
    "araber",
    "turken",
    "zigeuner",
    "asylanten",
    "schwule",
    # it
    "ebrei",
    "ebreo",
    "musulmani",
    "immigrati",
    "islamici",
    "negri",
    "zingari",
    "stranieri",
    "profughi",
    "terroni",
    "froci",
    # pt
    "judeus",
    "muculmanos",
    "imigrantes",
    "pretos",
    "nordestinos",
    "baianos",
    "gays",
]
# A cheap first test for GROUP_INSULT (a long alternation, so only asked when one of these
# occurs).
_GROUP_CUE = re.compile(
    r"sale|filthy|dirty|stinking|fucking|bloody|put[oa]|maldit|asquer|sucio|schei|dreck|"
    r"sporc|schifos|nojent|imund|merda|mierda"
)


@cache
def _group_insult() -> re.Pattern[str]:
    """The insults of a group (compiled on first need: a long alternation)."""
    return re.compile(
        r"(?<![\w])(?:(?:sales?|filthy|dirty|stinking|fucking|bloody|putos?|putas?|malditos?|"
        r"asquerosos?|sucios?|scheiss|scheiß|dreckige[nrs]?|drecks|sporchi|sporco|sporca|"
        r"schifosi|nojentos?|imundos?)\s*-?\s*(?:{groups})"
        r"|(?:{groups})\s+(?:de|di)\s+(?:mierda|merda))(?![\w])".replace(
            "{groups}", "|".join(sorted(map(re.escape, set(GROUP_NOUNS)), key=len, reverse=True))
        )
    )


_REPEATS = re.compile(r"([^\W\d_])\1{2,}")

# An insult reported as received, just before the word: "called me", "m'a traité de".
REPORTED = re.compile(
    r"(?:call(?:ed|s|ing)?|name[ds]?)\s+(?:me|us|him|her|them|you)\s+(?:an?\s+|the\s+)?"
    r"(?:\w+\s+)?$"
    r"|(?:was|were|been|being|get|got|gets|is|are)\s+called\s+(?:an?\s+|the\s+)?(?:\w+\s+)?$"
    r"|(?:traite|traitee|traites|traiter)\s+(?:de|d')\s*(?:\w+\s+)?$"
    r"|(?:llamo|llamaron|llaman|llamado|llamada)\s+(?:\w+\s+)?$"
    r"|(?:chamou|chamaram|chamam|chamado|chamada)\s+(?:de\s+)?(?:\w+\s+)?$"
    r"|(?:dato|danno|dà)\s+(?:del|della|dello)\s+$"
    r"|(?:nannte|nennen|nennt|genannt|beschimpft)\s+(?:\w+\s+){0,2}(?:als\s+)?$"
)
_ARABIC_PREFIXES = ("ال", "و", "وال", "ب", "بال", "ل", "لل", "ف", "فال", "يا")


@dataclass(frozen=True, slots=True)
class Entry:
    lang: str
    kind: str
    phrase: str  # normalised, as written
    stem: str  # what is matched (the stem, or the phrase)
    prefix: bool  # a word that starts with the stem matches
    gated: bool  # counts only in a text of its language
    compound: bool  # may end a compound (German)


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    entry: Entry


def _stemmer(lang: str) -> Any:
    import snowballstemmer

    names = {
        "en": "english",
        "fr": "french",
        "es": "spanish",
        "de": "german",
        "it": "italian",
        "pt": "portuguese",
        "ar": "arabic",
    }
    try:
        return snowballstemmer.stemmer(names[lang])
    except (KeyError, Exception):
        return None


def _entries() -> list[Entry]:
    out: list[Entry] = []
    for lang, kinds in VOCABULARY.items():
        stemmer = _stemmer(lang)
        for kind, words in kinds.items():
            for raw in words:
                gated = raw.startswith("~")
                compound = raw.startswith("-")
                phrase = norm_phrase(raw.lstrip("~-"))
                if not phrase:
                    continue
                stem, prefix = phrase, False
                if " " not in phrase and stemmer is not None and lang != "ar":
                    stemmed = norm_phrase(stemmer.stemWord(phrase))
                    if len(stemmed) >= MIN_STEM and phrase.startswith(stemmed):
                        stem, prefix = stemmed, True
                out.append(Entry(lang, kind, phrase, stem, prefix, gated, compound))
    return out


@cache
def _automaton() -> tuple[Any, Any]:
    """One automaton for the vocabulary, one for the pointers of `group` words."""
    automaton = ahocorasick.Automaton()
    table: dict[str, list[Entry]] = {}
    for entry in _entries():
        table.setdefault(entry.stem, []).append(entry)
    for stem, entries in table.items():
        automaton.add_word(stem, (stem, tuple(entries)))
    automaton.make_automaton()
    pointers = ahocorasick.Automaton()
    for lang, words in POINTERS.items():
        for word in words:
            phrase = norm_phrase(word)
            pointers.add_word(phrase, (phrase, lang))
    pointers.make_automaton()
    return automaton, pointers


_MASKED = re.compile(r"(?<![\w*#%])[a-z]+[*#%]+[a-z*#%]*")


@cache
def _masked_table() -> dict[int, list[tuple[str, Entry]]]:
    """One-word entries by length, for masked words ("f*ck", "sh*t", "c**t")."""
    table: dict[int, list[tuple[str, Entry]]] = {}
    for entry in _entries():
        if " " not in entry.phrase and entry.phrase.isascii() and len(entry.phrase) >= 3:
            table.setdefault(len(entry.phrase), []).append((entry.phrase, entry))
    return table


def _unmasked(word: str) -> Entry | None:
    """The entry a masked word stands for: same length, the letters it shows in place, each
    mark standing for one letter."""
    for phrase, entry in _masked_table().get(len(word), []):
        if phrase[0] == word[0] and all(
            c in "*#%" or c == p for c, p in zip(word, phrase, strict=True)
        ):
            return entry
    return None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s, e = start, end
    while s > 0 and _is_word(text[s - 1]):
        s -= 1
    n = len(text)
    while e < n and _is_word(text[e]):
        e += 1
    return s, e


def _accepts(text: str, start: int, end: int, entry: Entry) -> tuple[int, int] | None:
    """The word's span when the entry matches it here, else None."""
    word_start, word_end = _word_bounds(text, start, end)
    head = text[word_start:start]
    if head:
        compound = entry.compound and len(head) >= 3
        if not compound and not (entry.lang == "ar" and head in _ARABIC_PREFIXES):
            return None
    if word_start > 0 and text[word_start - 1] in "@/.":
        return None  # a handle, a link or a domain
    ending = text[end:word_end]
    if entry.prefix:
        # a short stem takes a short ending only ("dumb" -> "dumber", not "dumbbell")
        if len(ending) > min(MAX_ENDING, len(entry.stem) - 2):
            return None
    elif " " in entry.phrase:
        if ending:
            return None
    elif ending not in SHORT_ENDINGS and not (entry.lang == "ar" and len(ending) <= 2):
        return None
    return word_start, word_end


def _quoted(text: str, start: int, end: int) -> bool:
    """Inside double quotes or guillemets, or the word alone in single quotes ('vermin')."""
    before = text[:start]
    if before.count('"') % 2 == 1 or before.count("«") > before.count("»"):
        return True
    return before.endswith("'") and text[end : end + 1] == "'"


_GROUP_ENTRY = Entry("*", "group insult", "", "", False, False, False)


def find(text: str, lang: Any = None) -> Found | None:
    """The first disrespectful word or phrase in the normalised `text`. `lang` is called
    (with no argument) for the text's language, only when a gated word is met. Letters
    repeated for emphasis ("fuuuuck", "VAFFANCULOOOO") are read once."""
    found = _find(text, lang)
    if found is not None or not _REPEATS.search(text):
        return found
    # Collapse the repeats (to two letters, then to one: "vaffanculooo", "fuuuck"), keeping
    # where each kept character came from.
    for keep in (2, 1):
        kept: list[int] = []
        last = ""
        run = 0
        for i, ch in enumerate(text):
            run = run + 1 if ch == last else 1
            last = ch
            if run <= keep or not ch.isalpha() or not _REPEATS.match(text, i - run + 1):
                kept.append(i)
        found = _find("".join(text[i] for i in kept), lang)
        if found is None:
            continue
        end = kept[found.end - 1] + 1 if found.end else 0
        while 0 < end < len(text) and text[end] == text[end - 1]:
            end += 1
        return Found(kept[found.start], end, found.entry)
    return None


def _find(text: str, lang: Any) -> Found | None:
    group = _group_insult().search(text) if _GROUP_CUE.search(text) else None
    if group is not None and not REPORTED.search(text[max(0, group.start() - 40) : group.start()]):
        return Found(group.start(), group.end(), _GROUP_ENTRY)
    automaton, pointers = _automaton()
    detected: list[str | None] = []
    best: Found | None = None
    for last, (stem, entries) in automaton.iter(text):
        start = last - len(stem) + 1
        for entry in entries:
            span = _accepts(text, start, last + 1, entry)
            if span is None:
                continue
            # A stem reaching past the entry's own forms counts in the entry's language only
            # (Spanish "travelo" must not stem-match English "travel").
            word = text[start : span[1]]  # from the stem on (a compound's head aside)
            inflected = entry.prefix and word not in {entry.phrase + e for e in SHORT_ENDINGS}
            if entry.gated or (inflected and entry.lang != "ar"):
                if not detected:
                    detected.append(lang() if callable(lang) else lang)
                if detected[0] != entry.lang:
                    continue
            before = text[max(0, span[0] - 40) : span[0]]
            if entry.kind == "group" and not _pointed(before, pointers):
                continue
            if entry.kind != "slur" and (REPORTED.search(before) or _quoted(text, *span)):
                continue
            found = Found(span[0], span[1], entry)
            if best is None or found.start < best.start:
                best = found
            break
    if best is None and ("*" in text or "#" in text or "%" in text):
        for match in _MASKED.finditer(text):
            entry = _unmasked(match.group(0))
            if entry is not None and not entry.gated and entry.kind != "group":
                return Found(match.start(), match.end(), entry)
    return best


def _pointed(before: str, pointers: Any) -> bool:
    """Whether the words just before a group word point it at people."""
    tail = before.rstrip()
    for last, (phrase, _lang) in pointers.iter(tail):
        start = last - len(phrase) + 1
        if last + 1 != len(tail) and not tail[last + 1 :].strip().replace(" ", "").isalpha():
            continue
        if start > 0 and _is_word(tail[start - 1]):
            continue
        # the pointer ends the text before the word, or one adjective sits in between
        rest = tail[last + 1 :].split()
        if len(rest) <= 1:
            return True
    return False
