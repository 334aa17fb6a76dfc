"""Rendering check documents (:mod:`sayso.document`) as plain text: for scripts and CI.

``summary`` is one tab-separated line per article, ``github`` GitHub Actions workflow
annotations, and the "Across these articles" section is laid out here; :mod:`sayso.terminal`
draws the text report with rich. Article text is untrusted: whatever comes from it passes
:func:`printable` first, so escape sequences and control characters in an article never reach
a terminal or a CI log.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .provenance.linking import ClaimCluster, Provenance

Document = dict[str, Any]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# GitHub's annotation levels for sayso's severities.
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
# Source aliases listed after a name are cut to this many characters.
# Source aliases listed after a name are cut to this many characters.
ALIASES_LIMIT = 90
# Quoted content longer than this is cut, at a word boundary.
# Terminal escape sequences (CSI, OSC up to the end of its line, ESC with any one character
# such as ESC c, reset), then every other control character but newline and tab, and the
# bidirectional overrides that reorder what is shown.
# Linear: no quantified group is followed by another that can match the same characters.
_UNPRINTABLE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[ -~])?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """``text`` without terminal escape sequences, control characters or bidi overrides."""
    return _UNPRINTABLE.sub("", text)


def finding_label(finding: Document) -> str:
    """``[3] unattributed/unattributed-claim``: the statement's number (from 1), checker, code."""
    number = statement_number(finding["statement_id"])
    where = f"[{number}] " if number is not None else ""
    return f"{where}{printable(finding['checker'])}/{printable(finding['code'])}"


def statement_number(statement_id: str | None) -> int | None:
    """The number people see for a statement: its position in the article, from 1."""
    return None if statement_id is None else int(statement_id.rsplit(":", 1)[1]) + 1


def format_summary(document: Document) -> str:
    """One line, tab-separated: score, claims attributed, most cited source, path, and
    ``checked`` or ``cached`` (stored unchanged by an earlier check)."""
    cited = [s for s in most_cited_first(document) if s["attributions"]]
    top = one_line(cited[0]["name"]) if cited else "—"
    path = one_line(document["path"] or "<text>")
    claims = f"{document['attributed_claims']}/{document['claims']} claims attributed"
    status = "cached" if document["cached"] else "checked"
    return f"{document['score']:g}\t{claims}\t{top}\t{path}\t{status}"


def most_cited_first(document: Document) -> list[Document]:
    return sorted(document["sources"], key=lambda s: (-s["attributions"], s["name"]))


def format_github(document: Document, show_info: bool = False) -> str:
    """GitHub Actions workflow commands: one annotation per finding (info ones with
    ``show_info``) at its line and column in the file, and a notice with the score.

    Lines and columns are those of the text sayso read: for a text or Markdown file, the file's
    own (line endings normalised); for an HTML page, whose text was extracted, only the file is
    named.
    """
    # Standard input ("<stdin>") is no file to annotate.
    path = document["path"] if document["path"] and not document["path"].startswith("<") else None
    located = path is not None and not path.lower().endswith((".html", ".htm"))
    lines = []
    for finding in document["findings"]:
        if finding["severity"] == "info" and not show_info:
            continue
        properties = {"file": path} if path else {}
        if located and finding["start"] is not None:
            start_line, start_column = _line_and_column(document["text"], finding["start"])
            # GitHub's end column is the last character's, where sayso's end is past it.
            last = max(finding["start"], finding["end"] - 1)
            end_line, end_column = _line_and_column(document["text"], last)
            properties.update(line=start_line, col=start_column, endLine=end_line)
            if end_line == start_line:
                properties["endColumn"] = end_column
        properties["title"] = f"sayso {finding['checker']}/{finding['code']}"
        level = GITHUB_LEVELS[finding["severity"]]
        lines.append(_workflow_command(level, properties, finding["message"]))
    claims = f"{document['attributed_claims']} of {document['claims']} claims attributed"
    summary = f"Sourcing score {document['score']:g}/100; {claims}"
    if document["cached"]:
        summary += " (unchanged since its last check)"
    properties = {"file": path} if path else {}
    properties["title"] = "sayso sourcing score"
    lines.append(_workflow_command("notice", properties, summary))
    return "\n".join(lines)


def _workflow_command(level: str, properties: dict[str, Any], message: str) -> str:
    # GitHub's escaping: %, CR and LF in the message; also : and , in property values.
    def data(value: str) -> str:
        return printable(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(value: Any) -> str:
        return data(str(value)).replace(":", "%3A").replace(",", "%2C")

    fields = ",".join(f"{key}={prop(value)}" for key, value in properties.items())
    return f"::{level}{' ' + fields if fields else ''}::{data(message)}"


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def one_line(text: str) -> str:
    return " ".join(printable(text).split())


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_provenance(provenance: Provenance) -> str:
    """The "Across these articles" section: common sources, findings, shared claims, aliases."""
    number = {article_id: n for n, article_id in enumerate(provenance.articles, start=1)}
    lines = [f"Across these {len(number)} articles"]
    lines += [f"  #{number[a]} {one_line(title)}" for a, title in provenance.articles.items()]
    lines += ["", "Findings"]
    for finding in provenance.findings:
        if finding.article_id is None:
            lines.append(f"  {finding.severity.upper():<7} provenance/{finding.code}: ")
            lines[-1] += finding.message
            continue
        where = f"#{number[finding.article_id]} [{(finding.statement_index or 0) + 1}]"
        lines.append(
            f"  {finding.severity.upper():<7} {where} provenance/{finding.code}: {finding.message}"
        )
    if not provenance.findings:
        lines.append("  (none)")
    shared = [c for c in provenance.clusters if len(c.articles) > 1]
    lines += ["", f"Claims reported by more than one article ({len(shared)})"]
    for cluster in shared:
        lines += _describe_cluster(cluster, number)
    if not shared:
        lines.append("  (none)")
    names = [
        (provenance.sources[id], sorted(aliases))
        for id, aliases in provenance.aliases.items()
        if id in provenance.sources
    ]
    if names:
        lines += ["", "Sources under other names"]
        for source, aliases in sorted(names, key=lambda pair: pair[0].name):
            lines.append(f"  {source.name} ({source.type.replace('_', ' ')}): ")
            lines[-1] += clip(one_line(", ".join(aliases)), ALIASES_LIMIT)
    return "\n".join(lines)


def _describe_cluster(cluster: ClaimCluster, number: dict[str, int]) -> list[str]:
    original = cluster.original_source
    head = f"  • {' · '.join(cluster.terms[:4])}"
    if original is not None:
        head += f" — original source: {original.name} ({original.type.replace('_', ' ')})"
    lines = [head]
    for member in cluster.members:
        cited = ", ".join(
            c.source.name + (f" (“{c.as_written}”)" if c.as_written != c.source.name else "")
            for c in member.cited
        )
        where = f"#{number[member.article_id]} [{member.statement_index + 1}]"
        lines.append(
            f"      {where} {cited or 'no source given'}: “{clip(one_line(member.text), 70)}”"
        )
    return lines
