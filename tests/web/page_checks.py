"""What the page tests look for on a rendered page: English sentences on a Swedish page, tables wider than the
window, UUIDs shown as text. `PAGE_FACTS` gathers, in the browser, what the checks read; the checks are
plain functions over it, so they say in words what they found."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, TypedDict

from naravard.web.i18n import catalogue

WINDOW_WIDTH = 1280
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)

# Common English words: function words and the words of a web application's messages. A word that is Swedish
# too (in the Swedish catalogue, or in SWEDISH_TOO) does not count as English.
_ENGLISH = """
    a about above after again against all allowed already also always am an and another any are aren't as
    at back be because been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing done don't down during each either else enough even ever every few for
    from further had hadn't has hasn't have haven't having he her here hers him his how however if into is
    isn't it it's its itself just last least less let's like made make many may me might more most much must
    mustn't my myself neither never new next no nor not nothing now of off on once one only or other our ours
    out over own please same shall she should shouldn't since so some still such than that that's the their
    theirs them then there these they this those though through to too under until up upon us very was wasn't
    we were weren't what when where whether which while who whom whose why will with within without won't
    would wouldn't yes yet you your yours yourself
    access account active add added address again allow already an answer any ask asked available based
    become blocked care change changed check choose chosen click close closed consent contact continue could
    create created current data date day days delete deleted denied detail details does down edit either
    emergency empty end ended enter entered error exist exists expired failed field file find first form
    found give given go has help hidden id identity invalid item items keep kept later list log logged login
    look lookup made missing month months name need needed needs new number open opened order organisation
    organization own page part password patient patients period person please protected read reason record
    records refused relationship reload remove removed report request required result results review
    reviewed right role save saved search see select sent set show shown sign something sorry start
    started status still stop support sure target targets text think time today try unit units unknown
    until use used user users valid value values view want way week weeks went wrong year years
    input output integer string parse unable character characters word words two three number numbers
    boolean true false null none format expected should
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())
# Words of both languages that the catalogue may not hold: a Swedish sentence made of them is not English.
_SWEDISH_TOO = "i in man men under hit dit by all far sent be bra fast for kind ring vad data"
SWEDISH_TOO = frozenset(_SWEDISH_TOO.split())
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# ids, indicator codes, numbers, paths, user names, tags (accounts:session:login)
CODE_LIKE = re.compile(r"[\d_/@=<>#]|\w[:.]\w")
SEGMENT_BREAK = re.compile(r"(?<=[.!?;:])\s+|\n+|\s[·|•–—]\s")
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-z]")  # %(field)s, %(day)02d


@cache
def swedish_words() -> frozenset[str]:
    words = {w.lower() for text in catalogue().values() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}
    return frozenset(words | SWEDISH_TOO)


def english_sentences(text: str, min_words: int = 3) -> list[str]:
    """The parts of ``text`` (split at sentence ends, line breaks and list separators) that read as English:
    at least ``min_words`` words, at least two of them common English words that are not Swedish, and more
    of those than Swedish or other words (a word of both languages, "patient", "status", counts for
    neither). Codes (all capitals: "EN", "HSA"), tokens with digits, underscores or inner dots and colons
    (ids, C_FLK, A3, lakare.gavle, accounts:session:login) and capitalised words that are no common English
    word (names: "Gävle", "Andersberg") are left out."""
    swedish = swedish_words()
    found: list[str] = []
    for segment in SEGMENT_BREAK.split(text):
        english = other = both = 0
        for token in segment.split():
            if CODE_LIKE.search(token):
                continue
            for word in WORD.findall(token):
                lower = word.lower()
                if len(word) > 1 and word.isupper():
                    continue  # a code or an abbreviation
                if lower in ENGLISH_WORDS:
                    if lower in swedish:
                        both += 1
                    else:
                        english += 1
                elif not word[0].isupper():  # a capitalised word that is not English: a proper noun
                    other += 1
        if english + other + both >= min_words and english >= 2 and english > other:
            found.append(" ".join(segment.split()))
    return found


class PageFacts(TypedDict):
    lang: str
    texts: list[str]  # visible text, one entry per block element
    visible_text: str  # document.body.innerText
    scroll_width: int
    client_width: int
    wide_tables: list[str]
    links: list[dict[str, Any]]  # href (absolute), download (bool)


# In the page: what the checks read. Text is gathered per block element (a sentence split over <strong>,
# <a> and the like stays one), leaving out what is not shown, code, and elements in another language.
PAGE_FACTS = """
() => {
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE', 'KBD', 'SAMP']);
  const root = document.documentElement;
  const blocks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.nodeValue.trim()) continue;
    const parent = node.parentElement;
    let skip = false, block = null;
    for (let el = parent; el && el !== root; el = el.parentElement) {
      if (SKIP.has(el.tagName) || el.getAttribute('translate') === 'no'
          || (el.lang && el.lang !== root.lang)) { skip = true; break; }
      if (!block && !getComputedStyle(el).display.startsWith('inline')) block = el;
    }
    if (skip || !parent.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    block = block || document.body;
    if (!blocks.has(block)) blocks.set(block, []);
    blocks.get(block).push(node.nodeValue);
  }
  const wide = [];
  document.querySelectorAll('table').forEach((table, i) => {
    const box = table.getBoundingClientRect();
    if (box.width > 0 && box.right > %(width)d + 0.5) {
      const name = table.id ? '#' + table.id : 'table ' + (i + 1);
      wide.push(name + ' ends at ' + Math.round(box.right) + ' px');
    }
  });
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, download: a.hasAttribute('download'),
  }));
  return {
    lang: root.lang || '',
    texts: [...blocks.values()].map(parts => parts.join('')),
    visible_text: document.body.innerText,
    scroll_width: root.scrollWidth,
    client_width: root.clientWidth,
    wide_tables: wide,
    links,
  };
}
""".replace("%(width)d", str(WINDOW_WIDTH))


def offences(facts: PageFacts, *, min_words: int = 3) -> list[str]:
    """What is wrong with a page: English sentences (on a Swedish page), a page or a table wider than the
    window, UUIDs shown as text."""
    found: list[str] = []
    if facts["lang"] == "sv":
        for text in facts["texts"]:
            found.extend(f"English: {sentence!r}" for sentence in english_sentences(text, min_words))
    if facts["scroll_width"] > facts["client_width"]:
        found.append(
            f"wider than a {WINDOW_WIDTH} px window: {facts['scroll_width']} px > {facts['client_width']} px"
        )
    found.extend(f"table wider than a {WINDOW_WIDTH} px window: {table}" for table in facts["wide_tables"])
    uuids = sorted(set(UUID.findall(facts["visible_text"])))
    if uuids:
        found.append(f"{len(uuids)} UUID(s) shown as text, e.g. {uuids[0]}")
    return list(dict.fromkeys(found))
