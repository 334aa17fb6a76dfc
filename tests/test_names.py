"""sayso.analysis.names: each normalisation does what its name says, and no other module has one."""

from __future__ import annotations

import re
from pathlib import Path

from sayso.analysis import names


def test_heads():
    assert names.source_head("Lee, a spokesperson for the ministry") == "Lee"
    assert names.source_head("Ms. Lee, who spoke on Monday") == "Ms. Lee"
    assert names.source_head("the ministry (MoD)") == "the ministry"
    assert names.head_before_apposition("Lee who spoke, later") == "Lee who spoke"
    # Adverbs before the cue are no part of the name, the nouns and adjectives in "-ly" are.
    assert names.source_head("Cruz gingerly") == "Cruz"
    assert names.source_head("World leaders almost universally") == "World leaders"
    assert names.source_head("the foundation's tally") == "the foundation's tally"
    assert names.source_head("a member of the family") == "a member of the family"


def test_keys():
    assert names.mention_key("The Kim’s Office") == "kim's office"
    assert names.lexicon_key(" The Rodong Sinmun ") == "rodong sinmun"
    assert names.lexicon_key("This ministry") == "this ministry"
    assert names.name_key("the Kim Jong-un's") == names.name_key("Kim Jong Un") == "kim jong un"
    assert names.key_slug("Kim’s office, Pyongyang") == "kims-office-pyongyang"
    assert names.row_slug("Ministère") == "minist-re"
    assert names.row_slug("—") == "source"


def test_no_other_module_defines_a_normalisation():
    core = Path(names.__file__).resolve().parents[1]
    defined = re.compile(r"^def (_normalise|name_key|_head|_slug|_strip_leading)\(", re.M)
    offenders = [
        str(path.relative_to(core))
        for path in core.rglob("*.py")
        if path.name != "names.py" and defined.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
