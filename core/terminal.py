"""The text report of ``sayso check``, drawn with rich for a terminal.

Fitted to the console's width and wrapped at word boundaries with hanging indents; colour when
the console has it (``NO_COLOR`` and ``--color`` decide). Imported only when a text report is
drawn: rich takes a while to import, and a quiet or JSON run needs none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console
from rich.text import Text

from .report import (
    SEVERITY_ORDER,
    Document,
    clip,
    finding_label,
    format_provenance,
    most_cited_first,
    one_line,
    plural,
    printable,
    statement_number,
)

if TYPE_CHECKING:
    from .provenance.linking import Provenance

ColorChoice = Literal["auto", "always", "never"]

SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# GitHub's annotation levels for sayso's severities.
# Quoted content longer than this is cut, at a word boundary.
QUOTE_LIMIT = 220
QUOTE_INDENT = 6
# Quote marks an article's own quotation may open and close with: sayso adds none of its own then.
# Quote marks an article's own quotation may open and close with: sayso adds none of its own then.
OPENING_QUOTES = "\"“«„‘'"
CLOSING_QUOTES = "\"”»’'"


# Terminal escape sequences (CSI, OSC up to the end of its line, ESC with any one character
# such as ESC c, reset), then every other control character but newline and tab, and the
# bidirectional overrides that reorder what is shown.
# Linear: no quantified group is followed by another that can match the same characters.
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


def report_text(
    document: Document, console: Console, explain: bool = False, show_info: bool = False
) -> Text:
    """:func:`text_lines` as one text, to print in one call (rich's per-call overhead would
    cost more than the wrapping)."""
    return Text("\n").join(text_lines(document, console, explain, show_info))


def provenance_text(provenance: Provenance, console: Console) -> Text:
    """:func:`provenance_lines` as one text."""
    return Text("\n").join(provenance_lines(provenance, console))


def text_lines(
    document: Document, console: Console, explain: bool = False, show_info: bool = False
) -> Iterator[Text]:
    """The terminal report, line by line, wrapped to ``console.width`` at word boundaries:
    score, sources, who said what, findings (and the score's deductions with ``explain``)."""
    width = max(console.width, 40)
    path = printable(document["path"] or "<text>")
    title = one_line(document["title"] or "")
    head = Text(path, style="bold")
    if title:
        head.append(f" — {title}")
    yield from _wrap(console, head, width)
    claims, attributed = document["claims"], document["attributed_claims"]
    share = f" ({attributed / claims:.0%})" if claims else ""
    score = Text("Sourcing score: ")
    score.append(f"{document['score']:g}/100", style=_score_style(document["score"]))
    score.append(
        f" · {plural(len(document['statements']), 'statement')}, {plural(claims, 'claim')},"
        f" {attributed} attributed"
        f"{share} · analyzer: {document['analyzer']}"
    )
    yield from _wrap(console, score, width)
    if document["cached"]:
        when = document["checked_at"].replace("T", " ").removesuffix("+00:00")[:16]
        note = f"From the cache (unchanged since checked {when} UTC; --force checks again)"
        yield from _wrap(console, Text(note, style="dim"), width)
    yield from _sources(document, console, width)
    yield from _attributions(document, console, width)
    yield from _findings(document, console, width, show_info)
    if explain:
        yield from _deductions(document, console, width)


def _sources(document: Document, console: Console, width: int) -> Iterator[Text]:
    yield Text()
    yield Text("Sources", style="bold underline")
    sources = most_cited_first(document)
    name_width = max((len(one_line(s["name"])) for s in sources), default=0)
    type_width = max((len(s["type"]) for s in sources), default=0)
    for source in sources:
        line = Text("  ")
        line.append(f"{one_line(source['name']):<{name_width}}", style="bold")
        line.append(f"  {source['type']:<{type_width}}  ")
        line.append(
            f"{plural(source['attributions'], 'attribution')}, "
            f"{plural(source['mentions'], 'mention')}"
        )
        yield from _wrap(console, line, width, indent=4)
    if not sources:
        yield Text("  (none found)")


def _attributions(document: Document, console: Console, width: int) -> Iterator[Text]:
    yield Text()
    yield Text("Who said what", style="bold underline")
    names = {s["source_id"]: one_line(s["name"]) for s in document["sources"]}
    text = document["text"]
    # Sources that did not vouch ("declined to comment") follow, under the statement saying so.
    non_attributions = [
        {**row, "form": None, "statements": [number - 1] if number else []}
        for row in document.get("non_attributions", [])
        for number in [statement_number(row["statement_id"])]
    ]
    for attribution in [*document["attributions"], *non_attributions]:
        statements = attribution["statements"]
        where = ",".join(str(i + 1) for i in statements[:3])
        if len(statements) > 3:  # carried over to more: say how many
            where += f" +{len(statements) - 3}"
        head = Text(f"  [{where}] ")
        who = names.get(attribution["source_id"], "?")
        body = Text(who, style="bold")
        mention = one_line(attribution["source_text"] or "")
        if mention and mention != who:
            body.append(f" (“{mention}”)")
        cue = one_line(attribution["cue_text"] or "")
        if cue:
            body.append(" — ")
            body.append(cue, style="italic")
        form = attribution["form"]
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
        body = Text(finding_label(finding), style="bold")
        body.append(f": {one_line(finding['message'])}")
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
        reason = one_line(deduction["reason"])
        if len(deduction["findings"]) == 1:
            body = Text(f"{finding_label(findings[deduction['findings'][0]])} ({reason})")
            yield from _hanging(console, points, body, width)
            continue
        yield from _hanging(console, points, Text(reason), width)
        for index in deduction["findings"]:
            yield from _hanging(console, Text(" " * 9), Text(finding_label(findings[index])), width)
    if not document["deductions"]:
        yield Text("  no points lost")


def _quote(console: Console, content: str, width: int) -> Iterator[Text]:
    """Quoted text on its own indented lines: in quote marks, unless it is itself a quotation
    that opens and closes with the article's own marks (then shown as written)."""
    content = clip(one_line(content), QUOTE_LIMIT)
    own = content[:1] in OPENING_QUOTES and (
        content.endswith("…") or (len(content) > 1 and content[-1] in CLOSING_QUOTES)
    )
    quoted = Text(content if own else f"“{content}”")
    # The same width as every other line: the terminal's.
    lines = quoted.wrap(console, width - QUOTE_INDENT - 1)
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
