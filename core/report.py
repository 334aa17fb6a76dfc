"""Rendering check results for people (text) and programs (JSON mirroring the database)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from typing import Any

from .engine import ArticleReport
from .model import Attribution, Finding
from .store import article_rows, source_id

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
QUOTE_WIDTH = 90


def format_text(report: ArticleReport, explain: bool = False, show_info: bool = False) -> str:
    """A terminal report: score, sources, who said what, findings (and deductions if asked)."""
    analysis = report.analysis
    article = analysis.article
    claims = [s for s in analysis.statements if s.is_claim]
    attributed = {index for a in analysis.attributions for index in a.statements}
    attributed_claims = sum(1 for s in claims if s.index in attributed)
    share = f" ({attributed_claims / len(claims):.0%})" if claims else ""
    lines = [
        f"{article.path or '<text>'}" + (f" — {article.title}" if article.title else ""),
        f"Sourcing score: {report.score:g}/100 · {len(analysis.statements)} statements, "
        f"{len(claims)} claims, {attributed_claims} attributed{share} · analyzer: "
        f"{analysis.analyzer}",
        "",
        "Sources",
    ]
    counts = Counter(a.source_key for a in analysis.attributions)
    sources = sorted(analysis.sources.values(), key=lambda s: (-counts[s.key], s.name))
    width = max((len(s.name) for s in sources), default=0)
    for source in sources:
        attributions = _plural(counts[source.key], "attribution")
        mentions = _plural(len(source.mentions), "mention")
        lines.append(f"  {source.name:<{width}}  {source.type:<12} {attributions}, {mentions}")
    if not sources:
        lines.append("  (none found)")
    lines += ["", "Who said what"]
    for attribution in analysis.attributions:
        lines.append(_describe_attribution(report, attribution))
    if not analysis.attributions:
        lines.append("  (no attributions found)")
    shown = [(i, f) for i, f in enumerate(report.findings) if show_info or f.severity != "info"]
    hidden = len(report.findings) - len(shown)
    lines += [
        "",
        "Findings" + (f" ({hidden} info findings hidden; --all shows them)" if hidden else ""),
    ]
    shown.sort(
        key=lambda pair: (
            SEVERITY_ORDER[pair[1].severity],
            pair[1].span.start if pair[1].span else -1,
        )
    )
    for _, finding in shown:
        lines += _describe_finding(finding)
    if not shown:
        lines.append("  (none)")
    if explain:
        lines += ["", f"Score: 100 − {100 - report.score:g} = {report.score:g}"]
        for deduction in report.deductions:
            lines.append(f"  −{deduction.points:g}  {deduction.reason}")
            for index in deduction.findings:
                finding = report.findings[index]
                what = finding.span.text if finding.span else finding.message
                lines.append(f"        {finding.checker}/{finding.code}: {_clip(what, 70)}")
        if not report.deductions:
            lines.append("  no points lost")
    if report.failures:
        lines += ["", "Plugin failures"] + [f"  {failure}" for failure in report.failures]
    return "\n".join(lines)


def to_json(reports: list[ArticleReport], errors: list[str]) -> str:
    """JSON mirroring the database rows, one object per article, plus input errors."""
    return json.dumps(
        {"articles": [_article_json(report) for report in reports], "errors": errors},
        ensure_ascii=False,
        indent=2,
    )


def _article_json(report: ArticleReport) -> dict[str, Any]:
    rows = article_rows(report, run_id=None)
    article = rows["articles"][0]
    article.pop("run_id")
    sources = {source_id(s, article["id"]): s for s in report.analysis.sources.values()}
    return {
        **article,
        "statements": rows["statements"],
        "sources": [
            {**row, "name": sources[row["source_id"]].name, "type": sources[row["source_id"]].type}
            for row in rows["article_sources"]
        ],
        "attributions": rows["attributions"],
        "findings": rows["findings"],
        "deductions": [
            {"points": d.points, "reason": d.reason, "findings": d.findings}
            for d in report.deductions
        ],
        "plugin_errors": [
            {"plugin": f.plugin, "stage": f.stage, "error": f.error} for f in report.failures
        ],
    }


def _describe_attribution(report: ArticleReport, attribution: Attribution) -> str:
    source = report.analysis.source_of(attribution)
    who = source.name if source else "?"
    mention = attribution.source.text if attribution.source else ""
    if mention and source and mention != source.name:
        who += f" (“{mention}”)"
    cue = attribution.cue.text if attribution.cue else ""
    bounds = attribution.content_bounds
    content = report.analysis.article.text[bounds[0] : bounds[1]] if bounds else ""
    where = ",".join(str(i + 1) for i in attribution.statements[:3])
    head = f"  [{where}] {who} — {cue} ({attribution.form.replace('_', ' ')})"
    return head + ("\n" + _indent(_clip(content, 220)) if content else "")


def _describe_finding(finding: Finding) -> list[str]:
    where = f"[{finding.statement + 1}] " if finding.statement is not None else ""
    label = f"{finding.checker}/{finding.code}"
    lines = [f"  {finding.severity.upper():<7} {where}{label}: {finding.message}"]
    if finding.span:
        lines.append(_indent(_clip(finding.span.text, 220)))
    return lines


def _indent(text: str) -> str:
    return textwrap.fill(
        f"“{text}”", width=QUOTE_WIDTH, initial_indent="      ", subsequent_indent="       "
    )


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
