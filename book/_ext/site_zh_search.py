"""The Chinese edition's search words: Sphinx's Chinese search, with the glossary's terms as words.

jieba splits Chinese text into words for the search index; it does not know this book's terms, and
would index 反向传播 only as 反向 and 传播, so that a search for 反向传播 found nothing. Every Chinese
name in the glossary (book/_ext/glossary_data.py) becomes one of its words. Two speed fixes: Sphinx
7.4 keeps the Latin words it has seen in a list and searches that list for every word it indexes
(47 s of a one-minute build; a set gives the same answers), and it ran every Chinese word through
the English stemmer, which leaves it as it is.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.search.zh import JIEBA, SearchChinese

if JIEBA:
    import jieba

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


class ChineseSearch(SearchChinese):
    """Sphinx's Chinese search words, with the glossary's terms as words and a faster index."""

    def init(self, options: dict[str, str]) -> None:
        if not JIEBA:
            raise ExtensionError("site_zh_search: the Chinese edition's search needs jieba (pip install -r requirements.txt)")
        super().init(options)
        self.latin_terms = set()  # type: ignore[assignment]
        from glossary_data import chinese_names, glossary_rows

        for _, chinese in glossary_rows():
            for name in chinese_names(chinese):
                if _CJK.search(name):
                    jieba.add_word(name)

    def stem(self, word: str) -> str:
        """Chinese words as they are (the English stemmer only slowed them down); Latin as Sphinx does."""
        return word if _CJK.search(word) else super().stem(word)

    def split(self, input: str) -> list[str]:
        chinese = list(jieba.cut_for_search(input))
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin)  # type: ignore[attr-defined]
        return chinese + latin


def setup(app: Sphinx) -> dict[str, object]:
    app.add_search_language(ChineseSearch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
