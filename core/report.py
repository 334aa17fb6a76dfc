"""Rendering check results for people (text) and programs (JSON mirroring the database)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from typing import TYPE_CHECKING, Any

from .model import Attribution, Finding, Source
from .pipeline.engine import ArticleReport
from .storage.store import article_rows, provenance_rows, source_id

if TYPE_CHECKING:
    from .provenance.linking import ClaimCluster, Provenance

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
QUOTE_WIDTH = 90


def format_text(report: ArticleReport, explain: bool = False, show_info: bool = False) -> str:
    """A terminal report: score, sources, who said what, findings (and deductions if asked)."""
    analysis = report.analysis
    article = analysis.article
    claims, attributed_claims = _claim_counts(report)
    share = f" ({attributed_claims / claims:.0%})" if claims else ""
    lines = [
        f"{article.path or '<text>'}" + (f" — {article.title}" if article.title else ""),
        f"Sourcing score: {report.score:g}/100 · {len(analysis.statements)} statements, "
        f"{claims} claims, {attributed_claims} attributed{share} · analyzer: "
        f"{analysis.analyzer}",
        "",
        "Sources",
    ]
    counts = Counter(a.source_key for a in analysis.attributions)
    sources = _most_cited_first(report, counts)
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
    for attribution in analysis.non_attributions:
        lines.append(_describe_attribution(report, attribution, vouched=False))
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
            if len(deduction.findings) == 1:
                label = _finding_label(report.findings[deduction.findings[0]])
                lines.append(f"  −{deduction.points:<5g} {label} ({deduction.reason})")
                continue
            lines.append(f"  −{deduction.points:<5g} {deduction.reason}")
            for index in deduction.findings:
                lines.append(f"         {_finding_label(report.findings[index])}")
        if not report.deductions:
            lines.append("  no points lost")
    return "\n".join(lines)


def format_summary(report: ArticleReport) -> str:
    """One line, tab-separated: score, claims attributed, the most cited source, path."""
    claims, attributed_claims = _claim_counts(report)
    counts = Counter(a.source_key for a in report.analysis.attributions)
    cited = [source for source in _most_cited_first(report, counts) if counts[source.key]]
    top = cited[0].name if cited else "—"
    path = report.analysis.article.path or "<text>"
    return f"{report.score:g}\t{attributed_claims}/{claims} claims attributed\t{top}\t{path}"


def _claim_counts(report: ArticleReport) -> tuple[int, int]:
    """How many statements are claims, and how many of those an attribution carries."""
    analysis = report.analysis
    claims = [s for s in analysis.statements if s.is_claim]
    attributed = {index for a in analysis.attributions for index in a.statements}
    return len(claims), sum(1 for s in claims if s.index in attributed)


def _most_cited_first(report: ArticleReport, counts: Counter[str | None]) -> list[Source]:
    return sorted(report.analysis.sources.values(), key=lambda s: (-counts[s.key], s.name))


def to_json(
    reports: list[ArticleReport], errors: list[str], provenance: Provenance | None = None
) -> str:
    """JSON mirroring the database rows, one object per article, plus input errors.

    With ``provenance`` (several articles checked together), a ``provenance`` key holds the
    claim clusters with their members, the cross-article findings and the sources' aliases.
    """
    document: dict[str, Any] = {
        "articles": [article_json(report) for report in reports],
        "errors": errors,
    }
    if provenance is not None:
        document["provenance"] = provenance_json(provenance)
    return json.dumps(document, ensure_ascii=False, indent=2)


def provenance_json(provenance: Provenance) -> dict[str, Any]:
    """The ``claim_clusters``, ``cluster_members``, ``cluster_findings`` and ``source_aliases``
    rows, with each cluster's members nested in it."""
    rows = provenance_rows(provenance, run_id=None)
    members: dict[str, list[dict[str, Any]]] = {}
    for member in rows["cluster_members"]:
        members.setdefault(member.pop("cluster_id"), []).append(member)
    aliases: dict[str, list[str]] = {}
    for alias in rows["source_aliases"]:
        aliases.setdefault(alias["source_id"], []).append(alias["alias"])
    return {
        "clusters": [
            {**_without_run(row), "terms": json.loads(row["terms"]), "members": members[row["id"]]}
            for row in rows["claim_clusters"]
        ],
        "findings": [_without_run(row) for row in rows["cluster_findings"]],
        "sources": [
            {**row, "aliases": aliases.get(row["id"], [])}
            for row in rows["sources"]
            if row["id"] in aliases
        ],
        "same_as": provenance.same_as,
    }


def format_provenance(provenance: Provenance) -> str:
    """The "Across these articles" section: common sources, findings, shared claims, aliases."""
    number = {article_id: n for n, article_id in enumerate(provenance.articles, start=1)}
    lines = [f"Across these {len(number)} articles"]
    lines += [f"  #{number[a]} {title}" for a, title in provenance.articles.items()]
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
            lines[-1] += _clip(", ".join(aliases), QUOTE_WIDTH)
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
        lines.append(f"      {where} {cited or 'no source given'}: “{_clip(member.text, 70)}”")
    return lines


def _without_run(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "run_id"}


def article_json(report: ArticleReport) -> dict[str, Any]:
    """One article of ``--format json``: its ``articles`` row with its other rows nested."""
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


def _describe_attribution(
    report: ArticleReport, attribution: Attribution, vouched: bool = True
) -> str:
    source = report.analysis.source_of(attribution)
    who = source.name if source else "?"
    mention = attribution.source.text if attribution.source else ""
    if mention and source and mention != source.name:
        who += f" (“{mention}”)"
    cue = attribution.cue.text if attribution.cue else ""
    bounds = attribution.content_bounds
    content = report.analysis.article.text[bounds[0] : bounds[1]] if bounds else ""
    where = ",".join(str(i + 1) for i in attribution.statements[:3])
    if len(attribution.statements) > 3:
        where += f" +{len(attribution.statements) - 3}"
    form = attribution.form.replace("_", " ") if vouched else "did not vouch"
    head = f"  [{where}] {who} — {cue} ({form})"
    return head + ("\n" + _indent(_clip(content, 220)) if content else "")


def _finding_label(finding: Finding) -> str:
    where = f"[{finding.statement + 1}] " if finding.statement is not None else ""
    return f"{where}{finding.checker}/{finding.code}"


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
