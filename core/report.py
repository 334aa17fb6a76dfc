"""Rendering check documents (:mod:`sayso.document`) for people and for CI.

``text`` is the terminal report, drawn with rich to the console's width (colour when the
console has it; ``NO_COLOR`` and ``--color`` decide); ``summary`` is one tab-separated line per
article; ``github`` is GitHub Actions workflow annotations. Article text is untrusted: whatever
comes from it passes :func:`printable` first, so escape sequences and control characters in an
article never reach the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from .provenance.linking import ClaimCluster, Provenance

Document = dict[str, Any]
ColorChoice = Literal["auto", "always", "never"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# GitHub's annotation levels for sayso's severities.
GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
QUOTE_WIDTH = 90
# Quoted content longer than this is cut, at a word boundary.
QUOTE_LIMIT = 220
QUOTE_INDENT = 6
# Quote marks an article's own quotation may open and close with: sayso adds none of its own then.
OPENING_QUOTES = "\"“«„‘'"
CLOSING_QUOTES = "\"”»’'"

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


def make_console(color: ColorChoice = "auto", stderr: bool = False) -> Console:
    """A console for reports: ``auto`` colours a terminal unless ``NO_COLOR`` is set,
    ``always`` colours even a pipe (and overrides ``NO_COLOR``), ``never`` draws plain text."""
    options: dict[str, Any] = {"highlight": False, "markup": False, "emoji": False}
    if color == "always":
        options.update(force_terminal=True, no_color=False)
    elif color == "never":
        options.update(color_system=None, no_color=True)
    return Console(stderr=stderr, **options)


def format_text(
    document: Document, explain: bool = False, show_info: bool = False, width: int = 100
) -> str:
    """The text report as plain text ``width`` columns wide (what ``--color never`` prints)."""
    console = Console(
        file=StringIO(), width=width, color_system=None, highlight=False, markup=False
    )
    return "\n".join(line.plain for line in text_lines(document, console, explain, show_info))


def text_lines(
    document: Document, console: Console, explain: bool = False, show_info: bool = False
) -> Iterator[Text]:
    """The terminal report, line by line, wrapped to ``console.width`` at word boundaries:
    score, sources, who said what, findings (and the score's deductions with ``explain``)."""
    width = max(console.width, 40)
    path = printable(document["path"] or "<text>")
    title = _one_line(document["title"] or "")
    head = Text(path, style="bold")
    if title:
        head.append(f" — {title}")
    yield from _wrap(console, head, width)
    claims, attributed = document["claims"], document["attributed_claims"]
    share = f" ({attributed / claims:.0%})" if claims else ""
    score = Text("Sourcing score: ")
    score.append(f"{document['score']:g}/100", style=_score_style(document["score"]))
    score.append(
        f" · {len(document['statements'])} statements, {claims} claims, {attributed} attributed"
        f"{share} · analyzer: {document['analyzer']}"
    )
    yield from _wrap(console, score, width)
    if document["cached"]:
        note = (
            f"From the cache: unchanged since its check at {document['checked_at']} "
            "(--force checks it again)"
        )
        yield from _wrap(console, Text(note, style="dim"), width)
    yield from _sources(document, console, width)
    yield from _attributions(document, console, width)
    yield from _findings(document, console, width, show_info)
    if explain:
        yield from _deductions(document, console, width)


def _sources(document: Document, console: Console, width: int) -> Iterator[Text]:
    yield Text()
    yield Text("Sources", style="bold underline")
    sources = _most_cited_first(document)
    name_width = max((len(_one_line(s["name"])) for s in sources), default=0)
    type_width = max((len(s["type"]) for s in sources), default=0)
    for source in sources:
        line = Text("  ")
        line.append(f"{_one_line(source['name']):<{name_width}}", style="bold")
        line.append(f"  {source['type']:<{type_width}}  ")
        line.append(
            f"{_plural(source['attributions'], 'attribution')}, "
            f"{_plural(source['mentions'], 'mention')}"
        )
        yield from _wrap(console, line, width, indent=4)
    if not sources:
        yield Text("  (none found)")


def _attributions(document: Document, console: Console, width: int) -> Iterator[Text]:
    yield Text()
    yield Text("Who said what", style="bold underline")
    names = {s["source_id"]: _one_line(s["name"]) for s in document["sources"]}
    text = document["text"]
    non_attributions = [
        {**row, "statements": [number - 1]}
        if (number := statement_number(row["statement_id"]))
        else {**row, "statements": []}
        for row in document.get("non_attributions", [])
    ]
    for attribution in [*document["attributions"], *non_attributions]:
        statements = attribution["statements"]
        where = ",".join(str(i + 1) for i in statements[:3])
        if len(statements) > 3:
            where += f" +{len(statements) - 3}"
        head = Text(f"  [{where}] ")
        who = names.get(attribution["source_id"], "?")
        body = Text(who, style="bold")
        mention = _one_line(attribution["source_text"] or "")
        if mention and mention != who:
            body.append(f" (“{mention}”)")
        cue = _one_line(attribution["cue_text"] or "")
        if cue:
            body.append(" — ")
            body.append(cue, style="italic")
        form = attribution.get("form")
        body.append(f" ({form.replace('_', ' ')})" if form else " (did not vouch)")
        yield from _hanging(console, head, body, width)
        if attribution.get("content_start") is not None:
            content = text[attribution["content_start"] : attribution["content_end"]]
            yield from _quote(console, content, width)
    if not document["attributions"]:
        yield Text("  (no attributions found)")


def _findings(document: Document, console: Console, width: int, show_info: bool) -> Iterator[Text]:
    findings = document["findings"]
    shown = [f for f in findings if show_info or f["severity"] != "info"]
    hidden = len(findings) - len(shown)
    yield Text()
    heading = Text("Findings", style="bold underline")
    if hidden:
        heading.append(f" ({hidden} info findings hidden; --all shows them)", style="dim")
    yield heading
    shown.sort(
        key=lambda f: (SEVERITY_ORDER[f["severity"]], -1 if f["start"] is None else f["start"])
    )
    for finding in shown:
        head = Text("  ")
        head.append(f"{finding['severity'].upper():<7}", style=SEVERITY_STYLES[finding["severity"]])
        head.append(" ")
        body = Text(_label(finding), style="bold")
        body.append(f": {_one_line(finding['message'])}")
        yield from _hanging(console, head, body, width)
        if finding["text"]:
            yield from _quote(console, finding["text"], width)
    if not shown:
        yield Text("  (none)")


def _deductions(document: Document, console: Console, width: int) -> Iterator[Text]:
    findings = document["findings"]
    score = document["score"]
    yield Text()
    yield Text(f"Score: 100 − {100 - score:g} = {score:g}", style="bold")
    for deduction in document["deductions"]:
        points = Text(f"  −{deduction['points']:<5g} ")
        reason = _one_line(deduction["reason"])
        if len(deduction["findings"]) == 1:
            body = Text(f"{_label(findings[deduction['findings'][0]])} ({reason})")
            yield from _hanging(console, points, body, width)
            continue
        yield from _hanging(console, points, Text(reason), width)
        for index in deduction["findings"]:
            yield from _hanging(console, Text(" " * 9), Text(_label(findings[index])), width)
    if not document["deductions"]:
        yield Text("  no points lost")


def _label(finding: Document) -> str:
    """``[3] unattributed/unattributed-claim``: the statement's number (from 1), checker, code."""
    number = statement_number(finding["statement_id"])
    where = f"[{number}] " if number is not None else ""
    return f"{where}{printable(finding['checker'])}/{printable(finding['code'])}"


def statement_number(statement_id: str | None) -> int | None:
    """The number people see for a statement: its position in the article, from 1."""
    return None if statement_id is None else int(statement_id.rsplit(":", 1)[1]) + 1


def _quote(console: Console, content: str, width: int) -> Iterator[Text]:
    """Quoted text on its own indented lines: in quote marks, unless it is itself a quotation
    that opens and closes with the article's own marks (then shown as written)."""
    content = _clip(_one_line(content), QUOTE_LIMIT)
    own = content[:1] in OPENING_QUOTES and (
        content.endswith("…") or (len(content) > 1 and content[-1] in CLOSING_QUOTES)
    )
    quoted = Text(content if own else f"“{content}”")
    lines = quoted.wrap(console, min(width, QUOTE_WIDTH) - QUOTE_INDENT - 1)
    for number, line in enumerate(lines):
        line.rstrip()
        # Continuation lines start under the first word, past the opening mark.
        yield Text(" " * (QUOTE_INDENT + (number > 0))) + line


def _hanging(console: Console, head: Text, body: Text, width: int) -> Iterator[Text]:
    """``head`` then ``body`` wrapped beside it, continuation lines indented under the body."""
    indent = len(head.plain)
    for number, line in enumerate(body.wrap(console, max(width - indent, 20))):
        line.rstrip()
        yield (head.copy() if number == 0 else Text(" " * indent)) + line


def _wrap(console: Console, text: Text, width: int, indent: int = 2) -> Iterator[Text]:
    for number, line in enumerate(text.wrap(console, width - (indent if text.plain else 0))):
        line.rstrip()
        yield line if number == 0 else Text(" " * indent) + line


def _score_style(score: float) -> str:
    return "bold green" if score >= 80 else "bold yellow" if score >= 60 else "bold red"


def format_summary(document: Document) -> str:
    """One line, tab-separated: score, claims attributed, most cited source, path, and
    ``checked`` or ``cached`` (stored unchanged by an earlier check)."""
    cited = [s for s in _most_cited_first(document) if s["attributions"]]
    top = _one_line(cited[0]["name"]) if cited else "—"
    path = _one_line(document["path"] or "<text>")
    claims = f"{document['attributed_claims']}/{document['claims']} claims attributed"
    status = "cached" if document["cached"] else "checked"
    return f"{document['score']:g}\t{claims}\t{top}\t{path}\t{status}"


def _most_cited_first(document: Document) -> list[Document]:
    return sorted(document["sources"], key=lambda s: (-s["attributions"], s["name"]))


def format_github(document: Document, show_info: bool = False) -> str:
    """GitHub Actions workflow commands: one annotation per finding (info ones with
    ``show_info``) at its line and column in the file, and a notice with the score.

    Lines and columns are those of the text sayso read: for a text or Markdown file, the file's
    own (line endings normalised); for an HTML page, whose text was extracted, only the file is
    named.
    """
    path = document["path"]
    located = bool(path) and not path.lower().endswith((".html", ".htm")) and path != "-"
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
    properties = {"file": path, "title": "sayso sourcing score"} if path else {}
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


def _one_line(text: str) -> str:
    return " ".join(printable(text).split())


def _clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def provenance_lines(provenance: Provenance, console: Console) -> Iterator[Text]:
    """:func:`format_provenance` wrapped to ``console.width`` at word boundaries, each wrapped
    line indented under the text it continues."""
    width = max(console.width, 40)
    for line in printable(format_provenance(provenance)).split("\n"):
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        if not text:
            yield Text()
            continue
        wrapped = Text(text, style="" if indent else "bold underline")
        for number, part in enumerate(wrapped.wrap(console, width - indent - 2)):
            part.rstrip()
            yield Text(" " * (indent + (2 if number else 0))) + part


def format_provenance(provenance: Provenance) -> str:
    """The "Across these articles" section: common sources, findings, shared claims, aliases."""
    number = {article_id: n for n, article_id in enumerate(provenance.articles, start=1)}
    lines = [f"Across these {len(number)} articles"]
    lines += [f"  #{number[a]} {_one_line(title)}" for a, title in provenance.articles.items()]
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
            lines[-1] += _clip(_one_line(", ".join(aliases)), QUOTE_WIDTH)
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
            f"      {where} {cited or 'no source given'}: “{_clip(_one_line(member.text), 70)}”"
        )
    return lines
