"""Link every mention of a seed article ("seed 000", "Seed 001 (§4.1)", "seed 000 (FAQ 6.3)") to the errata.

The errata appendix (book/appendix_errata.md) has one section per seed (anchor ``errata-seed-NNN``,
with the seed's title and its list of errors) and one entry per error (anchor ``errata-NNN-...``),
whose "**Where:**" line gives the places in the seed (§3.1, FAQ 6.3, ...) and whose "**Shown in:**"
line names the chapters that show the correction. At write time this transform finds, in the running
text of every page but the errata itself (site_prose), each "seed NNN" / "seeds NNN and MMM" and links
it to:

1. the errata entry at the place the text names right after it, "(§4.1)", ", §4.2", " in §3.4",
   "(FAQ 6.3)", ", Q3" (question 3 of the seed's FAQ), when exactly one entry of that seed fits best
   (a place that is equal counts more than one that contains or is contained in it; an entry shown in
   the current page breaks a tie);
2. otherwise, the entry of that seed that the same paragraph already links to ({ref}`errata <...>`);
3. otherwise, the seed's own section, which names the seed and lists its errors.

So every seed reference leads to the errata, and to a single entry wherever the text says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from site_prose import enclosing_block, prose_text, split_text

ERRATA = "book/appendix_errata"
# English "seed 000", and the Chinese edition's "种子文章 000" (tools/i18n.py's guide for translators).
SEED = re.compile(r"(?<![A-Za-z0-9_-])(seeds?|种子文章)(\s*)(\d{3})(?!\d)", re.IGNORECASE)
# A place named right after the seed: "'s" is allowed in between ("seed 000's FAQ 6.3" is not used).
PLACE = re.compile(
    r"^(?:'s|\s*的)?(?:\s*[(（]\s*|\s*[,，]\s*|\s+in\s+|\s+)(§\s*\d+(?:\.\d+)*|FAQ\s+\d+(?:\.\d+)*|Q\d+|\d+\.\d+)"
)
MORE = re.compile(r"^(\s*[,，、]\s*|\s+and\s+|\s+or\s+|\s*[和或与及]\s*)(\d{3})(?!\d)")
ENTRY_LINK = re.compile(r"#errata-(\d{3})-[\w-]+$")


@dataclass(frozen=True)
class Entry:
    label: str
    seed: str
    places: tuple[tuple[str, str], ...]  # ("sec", "4.1") or ("faq", "6.3")
    shown_in: tuple[str, ...]  # docnames


def _places(text: str) -> tuple[tuple[str, str], ...]:
    found = [("sec", m) for m in re.findall(r"§\s*(\d+(?:\.\d+)*)", text)]
    found += [("faq", m) for m in re.findall(r"FAQ\s+(\d+(?:\.\d+)*)", text)]
    return tuple(found)


@lru_cache(maxsize=2)
def errata_entries(path: str, mtime: float) -> tuple[Entry, ...]:
    """The entries of the errata page's source, with their places and the pages that show them."""
    entries: list[Entry] = []
    label = where = shown = None
    lines = Path(path).read_text(encoding="utf-8").splitlines() + ["(end)="]

    def close() -> None:
        m = re.fullmatch(r"errata-(\d{3})-[\w-]+", label or "")
        if m and not label.startswith("errata-seed-"):
            docs = tuple(f"book/{d}" for d in re.findall(r"\{doc\}`([^`<>]+)`", shown or ""))
            entries.append(Entry(label, m.group(1), _places(where or ""), docs))

    for line in lines:
        target = re.fullmatch(r"\(([\w-]+)\)=", line.strip())
        if target:
            close()
            label, where, shown = target.group(1), None, None
        elif line.startswith("- **Where:**"):
            where = line
        elif line.startswith("- **Shown in:**"):
            shown = line
    return tuple(entries)


def _fit(asked: tuple[str, str], given: tuple[str, str]) -> int:
    """How well the place a page names fits a place an entry gives: 4 equal, 2 nested, 0 not."""
    kind, value = asked
    if kind == "q":  # question n of the seed's FAQ: "FAQ n" or "FAQ s.n"
        return 4 if given[0] == "faq" and (given[1] == value or given[1].endswith("." + value)) else 0
    if kind != given[0]:
        return 0
    if value == given[1]:
        return 4
    if given[1].startswith(value + ".") or value.startswith(given[1] + "."):
        return 2
    return 0


def _asked(place: str) -> tuple[str, str]:
    place = re.sub(r"\s+", " ", place.strip())
    if place.startswith("§"):
        return ("sec", place[1:].strip())
    if place.startswith("FAQ"):
        return ("faq", place[3:].strip())
    if place.startswith("Q"):
        return ("q", place[1:])
    return ("sec", place)


def choose(seed: str, place: str | None, docname: str, entries: tuple[Entry, ...],
           linked_in_block: set[str]) -> str:
    """The errata label a reference to ``seed`` (at ``place``, on page ``docname``) links to."""
    own = [e for e in entries if e.seed == seed]
    if place:
        asked = _asked(place)
        scored = []
        for e in own:
            fit = max((_fit(asked, p) for p in e.places), default=0)
            if fit:
                scored.append((fit + (1 if docname in e.shown_in else 0), e.label))
        if scored:
            best = max(s for s, _ in scored)
            top = [label for s, label in scored if s == best]
            if len(top) == 1:
                return top[0]
    in_block = sorted(label for label in linked_in_block if label.startswith(f"errata-{seed}-"))
    if len(in_block) == 1:
        return in_block[0]
    return f"errata-seed-{seed}"


class SeedLinks(SphinxPostTransform):
    """Link each "seed NNN" in the running text to the errata (see the module's docs)."""

    default_priority = 510

    def run(self, **kwargs: object) -> None:
        docname = self.env.docname
        if docname == ERRATA or ERRATA not in self.env.all_docs:
            return
        source = Path(self.env.doc2path(ERRATA))
        entries = errata_entries(str(source), source.stat().st_mtime)
        labels = self.env.get_domain("std").labels
        chinese = (self.config.language or "en").startswith("zh")
        for text_node in list(prose_text(self.document)):
            text = str(text_node)
            if not SEED.search(text):
                continue
            block = _block_links(text_node)
            pieces = []
            for m in SEED.finditer(text):
                rest = text[m.end():]
                place = PLACE.match(rest)
                numbers = [(m.start(), m.end(), m.group(3))]
                at = m.end()
                while more := MORE.match(text[at:]):
                    start = at + more.start(2)
                    numbers.append((start, start + 3, more.group(2)))
                    at += more.end()
                for i, (start, end, seed) in enumerate(numbers):
                    label = choose(seed, place.group(1) if place and i == 0 else None, docname, entries, block)
                    if label not in labels:
                        label = f"errata-seed-{seed}"
                    if label not in labels:
                        continue
                    todoc, anchor, _ = labels[label]
                    words = text[start:end]
                    title = f"勘误：种子文章 {seed}" if chinese else f"Errata: seed {seed}"
                    ref = make_refnode(self.app.builder, docname, todoc, anchor,
                                       nodes.inline(words, words), title=title)
                    ref["classes"].append("site-seed-link")
                    pieces.append((start, end, ref))
            split_text(text_node, pieces)


def _block_links(text_node: nodes.Text) -> set[str]:
    """Errata labels linked from the paragraph that holds ``text_node``."""
    block = enclosing_block(text_node)
    if block is None:
        return set()
    found = set()
    for ref in block.findall(nodes.reference):
        m = ENTRY_LINK.search(ref.get("refuri", "") or ("#" + ref.get("refid", "")))
        if m:
            found.add(m.group(0)[1:])
    return found


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(SeedLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
