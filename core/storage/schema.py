"""The database schema as it is now: what migrations build, rows are written to and pages read.

An article's text is stored once, in ``articles.text``. Statements, attributions,
non-attributions and findings are stored as spans into it, in the tables named in
:data:`SPAN_VIEWS` (``statement_rows``, …); the views of the public names (``statements``, …)
give each span's text back, so SQL that reads ``statements.text`` or
``attributions.content_text`` reads exactly what was stored before the text left those tables
(the m010 migration), and ``--format json`` is built in the same shape.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..model import SCORE_DECIMALS


@dataclass(frozen=True)
class Table:
    """A stored table as the migrations leave it: its columns in order, with their SQLite
    types, its primary key and its foreign keys (column: referenced table)."""

    columns: dict[str, str]
    pk: tuple[str, ...] = ("id",)
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # Columns SQLite computes or triggers keep: never written by sayso's row writers.
    maintained: tuple[str, ...] = ()

    @property
    def written(self) -> tuple[str, ...]:
        """The columns a writer gives values for, in order."""
        return tuple(c for c in self.columns if c not in self.maintained)


def _columns(spec: str) -> dict[str, str]:
    """``"id TEXT, words INTEGER"`` as a dict, so a table's columns read as they would in SQL."""
    return dict(part.split() for part in spec.split(","))


# Every table sayso's migrations create, as they leave it (tests/test_schema.py compares the two).
TABLES = {
    "runs": Table(
        _columns(
            "id INTEGER, started TEXT, finished TEXT, sayso_version TEXT, analyzer TEXT, "
            "plugins TEXT, articles INTEGER, errors INTEGER, skipped INTEGER"
        )
    ),
    "articles": Table(
        _columns(
            "id TEXT, path TEXT, title TEXT, text TEXT, words INTEGER, statements INTEGER, "
            "claims INTEGER, attributed_claims INTEGER, score REAL, analyzer TEXT, "
            "run_id INTEGER, checked_at TEXT, fingerprint TEXT, metadata TEXT, "
            "file_size INTEGER, file_mtime_ns INTEGER, deductions TEXT"
        ),
        foreign_keys={"run_id": "runs"},
    ),
    "statement_rows": Table(
        _columns(
            "id TEXT, article_id TEXT, idx INTEGER, start INTEGER, end INTEGER, "
            "paragraph INTEGER, kind TEXT, is_claim INTEGER, attributed INTEGER, "
            "number INTEGER, attributions INTEGER, state_media INTEGER"
        ),
        foreign_keys={"article_id": "articles"},
        maintained=("number", "attributions", "state_media"),
    ),
    "sources": Table(
        _columns("id TEXT, name TEXT, type TEXT, same_as TEXT"),
        foreign_keys={"same_as": "sources"},
        maintained=("same_as",),
    ),
    "article_sources": Table(
        _columns("article_id TEXT, source_id TEXT, mentions INTEGER, attributions INTEGER"),
        pk=("article_id", "source_id"),
        foreign_keys={"article_id": "articles", "source_id": "sources"},
    ),
    "attribution_rows": Table(
        _columns(
            "id TEXT, article_id TEXT, statement_id TEXT, source_id TEXT, form TEXT, "
            "source_start INTEGER, source_end INTEGER, cue_start INTEGER, cue_end INTEGER, "
            "content_start INTEGER, content_end INTEGER, content_fragments TEXT, statements TEXT"
        ),
        foreign_keys={
            "article_id": "articles",
            "statement_id": "statement_rows",
            "source_id": "sources",
        },
    ),
    "non_attribution_rows": Table(
        _columns(
            "id TEXT, article_id TEXT, statement_id TEXT, source_id TEXT, "
            "source_start INTEGER, source_end INTEGER, cue_start INTEGER, cue_end INTEGER"
        ),
        foreign_keys={
            "article_id": "articles",
            "statement_id": "statement_rows",
            "source_id": "sources",
        },
    ),
    "finding_rows": Table(
        _columns(
            "id TEXT, article_id TEXT, statement_id TEXT, checker TEXT, code TEXT, "
            "severity TEXT, message TEXT, start INTEGER, end INTEGER, points REAL"
        ),
        foreign_keys={"article_id": "articles", "statement_id": "statement_rows"},
    ),
    "plugin_errors": Table(
        _columns(
            "id INTEGER, run_id INTEGER, article_id TEXT, plugin TEXT, stage TEXT, error TEXT"
        ),
        foreign_keys={"run_id": "runs"},
        maintained=("id",),
    ),
    "plugin_times": Table(
        _columns("run_id INTEGER, plugin TEXT, seconds REAL, articles INTEGER"),
        pk=("run_id", "plugin"),
        foreign_keys={"run_id": "runs"},
    ),
    "source_aliases": Table(
        _columns("source_id TEXT, alias TEXT"),
        pk=("source_id", "alias"),
        foreign_keys={"source_id": "sources"},
    ),
    "claim_clusters": Table(
        _columns(
            "id TEXT, label TEXT, terms TEXT, articles INTEGER, statements INTEGER, "
            "original_source_id TEXT, first_article_id TEXT, run_id INTEGER"
        ),
        foreign_keys={
            "original_source_id": "sources",
            "first_article_id": "articles",
            "run_id": "runs",
        },
    ),
    "cluster_members": Table(
        _columns(
            "id INTEGER, cluster_id TEXT, article_id TEXT, statement_id TEXT, source_id TEXT, "
            "source_text TEXT, origin_source_id TEXT, similarity REAL"
        ),
        foreign_keys={
            "cluster_id": "claim_clusters",
            "article_id": "articles",
            "statement_id": "statement_rows",
            "source_id": "sources",
            "origin_source_id": "sources",
        },
        maintained=("id",),
    ),
    "cluster_findings": Table(
        _columns(
            "id INTEGER, run_id INTEGER, cluster_id TEXT, article_id TEXT, statement_id TEXT, "
            "code TEXT, severity TEXT, message TEXT"
        ),
        foreign_keys={
            "run_id": "runs",
            "cluster_id": "claim_clusters",
            "article_id": "articles",
            "statement_id": "statement_rows",
        },
        maintained=("id",),
    ),
    # Each article's claim terms as linking worked them out (sayso.provenance.terms), and the
    # fingerprint of what worked them out: read back by the next link instead of worked out again.
    "article_terms": Table(
        _columns("article_id TEXT, extractor TEXT, terms BLOB"),
        pk=("article_id",),
        foreign_keys={"article_id": "articles"},
    ),
    # The browsing figures (see AGGREGATE_TRIGGERS below): triggers keep every column.
    "source_stats": Table(
        _columns(
            "source_id TEXT, articles INTEGER, attributions INTEGER, mentions INTEGER, "
            "score_total REAL"
        ),
        pk=("source_id",),
    ),
    "type_stats": Table(
        _columns("type TEXT, sources INTEGER, articles INTEGER, attributions INTEGER"),
        pk=("type",),
    ),
    "article_types": Table(
        _columns("article_id TEXT, type TEXT, sources INTEGER"), pk=("article_id", "type")
    ),
    "article_stats": Table(
        _columns(
            "article_id TEXT, attributions INTEGER, warnings INTEGER, top_source_id TEXT, "
            "top_attributions INTEGER, top_mentions INTEGER, top_source_share REAL, "
            "score REAL, state_media_only INTEGER"
        ),
        pk=("article_id",),
    ),
}


@dataclass(frozen=True)
class Index:
    table: str
    columns: tuple[str, ...]
    # A partial index's condition.
    where: str | None = None

    def sql(self, name: str) -> str:
        columns = ", ".join(f"[{c}]" for c in self.columns)
        where = f" WHERE {self.where}" if self.where else ""
        return f"CREATE INDEX [{name}] ON [{self.table}] ({columns}){where}"


# Foreign keys added after sqlite-utils' index_foreign_keys() ran (m001, m002) and never indexed.
_UNINDEXED_FOREIGN_KEYS = {
    ("non_attribution_rows", "statement_id"),
    ("non_attribution_rows", "source_id"),
    ("plugin_times", "run_id"),
    # Its primary key is its index.
    ("article_terms", "article_id"),
}
# sqlite-utils named the foreign keys' indexes after the tables' names then: m010 renamed these.
_NAMED_BEFORE_M010 = {
    "statement_rows": "statements",
    "attribution_rows": "attributions",
    "finding_rows": "findings",
    "non_attribution_rows": "non_attributions",
}


def _foreign_key_indexes() -> dict[str, Index]:
    return {
        f"idx_{_NAMED_BEFORE_M010.get(table, table)}_{column}": Index(table, (column,))
        for table, spec in TABLES.items()
        for column in spec.foreign_keys
        if (table, column) not in _UNINDEXED_FOREIGN_KEYS
    }


# Every index the migrations create (besides primary keys').
INDEXES = {
    **_foreign_key_indexes(),
    "idx_articles_path": Index("articles", ("path",)),
    "idx_articles_score_title": Index("articles", ("score", "title")),
    "idx_findings_checker_severity": Index("finding_rows", ("checker", "severity")),
    "idx_findings_points": Index("finding_rows", ("points",)),
    "idx_sources_type": Index("sources", ("type",)),
    "idx_source_stats_attributions": Index("source_stats", ("attributions",)),
    "idx_article_stats_share": Index("article_stats", ("top_source_share", "attributions")),
    # The statements a state-media page lists, by article: few, so a small index.
    "idx_statement_rows_state_media": Index(
        "statement_rows", ("article_id", "idx"), where="state_media > 0"
    ),
    # The articles state_media_only lists, in its order: only those with a statement to show.
    "idx_article_stats_state_media": Index(
        "article_stats", ("score", "article_id"), where="state_media_only > 0"
    ),
}

# Tables whose rows belong to one article (``article_id``), deleted before the article.
ARTICLE_ROW_TABLES = (
    "article_terms",
    "finding_rows",
    "attribution_rows",
    "non_attribution_rows",
    "article_sources",
    "statement_rows",
    "plugin_errors",
)
# Tables of claim clusters, deleted in this order (members and findings point at clusters).
PROVENANCE_TABLES = ("cluster_findings", "cluster_members", "claim_clusters")


@dataclass(frozen=True)
class SpanView:
    """A view giving back the text of an article table's spans, over the table storing them."""

    name: str
    table: str
    # The view's columns in order: the table's as they were before m010, which are also the
    # shape of ``--format json``'s rows. The view adds ``rowid``, the stored row's.
    columns: tuple[str, ...]
    # Each text column, with the columns of the span it is the text of.
    texts: dict[str, tuple[str, str]]
    # Columns the table computes (not written), shown after ``columns``.
    computed: tuple[str, ...] = ()

    @property
    def stored(self) -> tuple[str, ...]:
        """The columns a writer gives the table, in order."""
        return tuple(column for column in self.columns if column not in self.texts)

    def sql(self) -> str:
        shown = [
            f"{span_text('rows', *self.texts[column])} AS [{column}]"
            if column in self.texts
            else f"rows.[{column}]"
            for column in (*self.columns, *self.computed)
        ]
        return f"SELECT {', '.join(shown)}, rows.rowid AS rowid\nFROM [{self.table}] AS rows"


def span_text(alias: str, start: str, end: str) -> str:
    """SQL for ``articles.text[start:end]`` of the row ``alias`` (null where the span is).

    A subquery, not a join, so counting a view's rows reads no article. SQLite's ``substr``
    counts characters, as Python's offsets do; a span ending before it starts is empty, as a
    Python slice is.
    """
    return (
        f"(SELECT substr(articles.text, {alias}.[{start}] + 1, "
        f"max({alias}.[{end}] - {alias}.[{start}], 0)) "
        f"FROM articles WHERE articles.id = {alias}.article_id)"
    )


SPAN_VIEWS = {
    view.name: view
    for view in (
        SpanView(
            "statements",
            "statement_rows",
            (
                "id",
                "article_id",
                "idx",
                "start",
                "end",
                "text",
                "paragraph",
                "kind",
                "is_claim",
                "attributed",
            ),
            {"text": ("start", "end")},
            computed=("number",),
        ),
        SpanView(
            "attributions",
            "attribution_rows",
            (
                "id",
                "article_id",
                "statement_id",
                "source_id",
                "form",
                "source_start",
                "source_end",
                "source_text",
                "cue_start",
                "cue_end",
                "cue_text",
                "content_start",
                "content_end",
                "content_text",
                "content_fragments",
                "statements",
            ),
            {
                "source_text": ("source_start", "source_end"),
                "cue_text": ("cue_start", "cue_end"),
                "content_text": ("content_start", "content_end"),
            },
        ),
        SpanView(
            "non_attributions",
            "non_attribution_rows",
            (
                "id",
                "article_id",
                "statement_id",
                "source_id",
                "source_start",
                "source_end",
                "source_text",
                "cue_start",
                "cue_end",
                "cue_text",
            ),
            {"source_text": ("source_start", "source_end"), "cue_text": ("cue_start", "cue_end")},
        ),
        SpanView(
            "findings",
            "finding_rows",
            (
                "id",
                "article_id",
                "statement_id",
                "checker",
                "code",
                "severity",
                "message",
                "start",
                "end",
                "text",
                "points",
            ),
            {"text": ("start", "end")},
        ),
    )
}
# The table storing each view's rows.
ROW_TABLES = {view.name: view.table for view in SPAN_VIEWS.values()}

# What ``sayso serve`` adds to a database the first time it serves it (and a check does not
# need): the summary views, two indexes and full-text search over statements.
# Both read the figures triggers keep current as rows are written (AGGREGATE_TRIGGERS below),
# so a page costs the same on ten articles as on a million.
ARTICLE_SUMMARY_SQL = """
select
  articles.id as article_id,
  articles.title,
  articles.score,
  articles.statements,
  articles.claims,
  articles.attributed_claims,
  round(1.0 * articles.attributed_claims / nullif(articles.claims, 0), 3) as attributed_share,
  coalesce(article_stats.attributions, 0) as attributions,
  article_stats.top_source_id,
  sources.name as top_source,
  sources.type as top_source_type,
  article_stats.top_source_share,
  coalesce(article_stats.warnings, 0) as warnings
from articles
left join article_stats on article_stats.article_id = articles.id
left join sources on sources.id = article_stats.top_source_id
"""

SOURCE_SUMMARY_SQL = """
select
  sources.id as source_id,
  sources.name,
  sources.type,
  source_stats.articles,
  source_stats.attributions,
  source_stats.mentions,
  round(source_stats.score_total / nullif(source_stats.articles, 0), 1) as average_article_score
from source_stats
join sources on sources.id = source_stats.source_id
"""

SUMMARY_VIEWS = {"article_summary": ARTICLE_SUMMARY_SQL, "source_summary": SOURCE_SUMMARY_SQL}
BROWSING_INDEXES = {
    "idx_articles_score": Index("articles", ("score",)),
    # The articles page's order: the sort column, then the primary key, as Datasette sorts.
    "idx_articles_score_id": Index("articles", ("score", "id")),
    # Everything articles_by_score shows, in its order: no article's row (text first) is read.
    "idx_articles_ranked": Index(
        "articles", ("score", "title", "id", "claims", "attributed_claims", "words")
    ),
    # The orders the article_sources and sources pages are shown in.
    "idx_article_sources_attributions": Index("article_sources", ("attributions",)),
    "idx_sources_name": Index("sources", ("name",)),
    # Covers the "which attributions carry this statement" lookups without reading rows.
    "idx_attributions_carrying": Index(
        "attribution_rows", ("article_id", "statement_id", "source_id", "statements")
    ),
    # The claim_clusters page's order, most widely reported first.
    "idx_claim_clusters_articles": Index("claim_clusters", ("articles",)),
}

# The table whose rows each table and view shows, one for one (what its size is read from).
ROWS_SHOWN = {
    **{name: name for name in TABLES},
    **ROW_TABLES,
    "article_summary": "articles",
    "source_summary": "source_stats",
}

# Full-text search over statements: an FTS5 index whose content is the statements view, kept
# current by triggers on the table (the view's rowid is the table's). Created when a database
# is first served (:func:`sayso.web.serve.prepare_database`), not by checks that don't need it.
STATEMENT_SEARCH = "statements_fts"
STATEMENT_SEARCH_SQL = (
    f"CREATE VIRTUAL TABLE [{STATEMENT_SEARCH}] USING FTS5 ([text], content=[statements], "
    "content_rowid=[rowid])",
    f"""CREATE TRIGGER [{STATEMENT_SEARCH}_insert] AFTER INSERT ON statement_rows BEGIN
  INSERT INTO [{STATEMENT_SEARCH}] (rowid, [text])
  VALUES (new.rowid, {span_text("new", "start", "end")});
END""",
    # The article's row is still there: every writer deletes an article's rows before it.
    f"""CREATE TRIGGER [{STATEMENT_SEARCH}_delete] AFTER DELETE ON statement_rows BEGIN
  INSERT INTO [{STATEMENT_SEARCH}] ([{STATEMENT_SEARCH}], rowid, [text])
  VALUES ('delete', old.rowid, {span_text("old", "start", "end")});
END""",
    f"""CREATE TRIGGER [{STATEMENT_SEARCH}_update] AFTER UPDATE OF start, [end], article_id
ON statement_rows BEGIN
  INSERT INTO [{STATEMENT_SEARCH}] ([{STATEMENT_SEARCH}], rowid, [text])
  VALUES ('delete', old.rowid, {span_text("old", "start", "end")});
  INSERT INTO [{STATEMENT_SEARCH}] (rowid, [text])
  VALUES (new.rowid, {span_text("new", "start", "end")});
END""",
    f"INSERT INTO [{STATEMENT_SEARCH}] ([{STATEMENT_SEARCH}]) VALUES ('rebuild')",
)


# Browsing a large archive needs per-source, per-type, per-article and per-statement figures
# that would take a scan of the whole database to work out per request. They are kept in
# tables (and, per statement, two columns of ``statement_rows``) that always agree with the
# rows, whoever writes them — a check, a merge or anything else. The figures are defined here
# once, as the SQL below:
#
# - deleting rows (a re-check, a merge, linking) takes them out of the figures by triggers
#   (:data:`AGGREGATE_TRIGGERS`), as do the sources and articles' types as they are added;
# - adding an article's rows counts them in by :data:`ARTICLE_FIGURES_SQL`, which whatever
#   inserts articles runs once over all it inserted (``sayso.storage.store.count_in_figures``):
#   a batch of articles costs a few statements instead of several per row (per-row triggers
#   were more than half the CPU time of writing a check's rows).
AGGREGATE_TABLES = ("source_stats", "type_stats", "article_types", "article_stats")
# Per statement: the attributions carrying it, and how many of those rest on state media.
STATEMENT_COUNTS = ("attributions", "state_media")
STATEMENT_COUNTS_SQL = (
    "ALTER TABLE statement_rows ADD COLUMN attributions INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE statement_rows ADD COLUMN state_media INTEGER NOT NULL DEFAULT 0",
)

# The top source of an article: most attributions, then mentions, then id. A deleted row (a
# re-check deletes them all) means looking at the rows left.
_TOP_SOURCE = """select source_id, attributions, mentions from article_sources
    where article_sources.article_id = article_stats.article_id and attributions > 0
    order by attributions desc, mentions desc, source_id limit 1"""
_TOP_SOURCE_AFTER_DELETE = f"""
update article_stats set
  (top_source_id, top_attributions, top_mentions) = (
    {_TOP_SOURCE}
  )
where article_id = old.article_id and top_source_id = old.source_id;
update article_stats
set top_source_share = round(1.0 * top_attributions / nullif(attributions, 0), 3)
where article_id = old.article_id and top_source_id is not old.source_id;"""
# Whether an attribution's source is state media (1 or 0).
_STATE_MEDIA = "coalesce((select type = 'state_media' from sources where id = {row}.source_id), 0)"
# The statements an attribution carries.
_CARRIED = "select {row}.article_id || ':' || value from json_each({row}.statements)"
# How many of an article's statements rest on state media alone (what state_media_only lists).
_STATE_MEDIA_ONLY = """select count(*) from statement_rows
    where statement_rows.article_id = {article} and state_media > 0
      and state_media = statement_rows.attributions"""

AGGREGATE_TRIGGERS = {
    "aggregate_sources_insert": """after insert on sources begin
  insert into type_stats (type, sources) values (new.type, 1)
  on conflict(type) do update set sources = sources + 1;
  insert into source_stats (source_id) values (new.id) on conflict do nothing;
end""",
    "aggregate_sources_delete": """after delete on sources begin
  update type_stats set sources = sources - 1 where type = old.type;
end""",
    "aggregate_article_sources_delete": f"""after delete on article_sources begin
  update source_stats set articles = articles - 1, attributions = attributions - old.attributions,
    mentions = mentions - old.mentions,
    score_total = round(
      score_total - coalesce((select score from articles where id = old.article_id), 0),
      {SCORE_DECIMALS}
    )
  where source_id = old.source_id;
  update article_types set sources = sources - 1
  where article_id = old.article_id and type = (select type from sources where id = old.source_id);
  delete from article_types where article_id = old.article_id and sources <= 0;
  update type_stats set attributions = attributions - old.attributions
  where type = (select type from sources where id = old.source_id);
  {_TOP_SOURCE_AFTER_DELETE}
end""",
    "aggregate_article_types_insert": """after insert on article_types begin
  insert into type_stats (type, articles) values (new.type, 1)
  on conflict(type) do update set articles = articles + 1;
end""",
    "aggregate_article_types_delete": """after delete on article_types begin
  update type_stats set articles = articles - 1 where type = old.type;
end""",
    "aggregate_attributions_delete": f"""after delete on attribution_rows begin
  update article_stats set attributions = attributions - 1,
    top_source_share = round(1.0 * top_attributions / nullif(attributions - 1, 0), 3)
  where article_id = old.article_id;
  update statement_rows set attributions = attributions - 1,
    state_media = state_media - {_STATE_MEDIA.format(row="old")}
  where id in ({_CARRIED.format(row="old")});
  update article_stats set state_media_only = ({_STATE_MEDIA_ONLY.format(article="old.article_id")})
  where article_id = old.article_id;
end""",
    "aggregate_findings_delete": """after delete on finding_rows
when old.severity in ('warning', 'error') begin
  update article_stats set warnings = warnings - 1 where article_id = old.article_id;
end""",
    "aggregate_articles_delete": """after delete on articles begin
  delete from article_stats where article_id = old.id;
end""",
}
# The per-row triggers that counted rows in as they were inserted, until m013 replaced them with
# :data:`ARTICLE_FIGURES_SQL`.
REPLACED_TRIGGERS = (
    "aggregate_article_sources_insert",
    "aggregate_attributions_insert",
    "aggregate_findings_insert",
)

# The rows of the articles ``:articles`` names (a JSON array of ids), just inserted, counted in
# the figures: what the per-row triggers did, in a few statements for a whole batch. Each adds
# to what is there (an article's rows written in two goes count as written in one), and the
# sources' score totals add the articles' scores one by one, each sum rounded to the scores'
# decimals (sayso.model.SCORE_DECIMALS): a total is exact, so the same whatever order the
# articles come in (workers' batches come in the order they finish).
_WRITTEN = "(select value from json_each(:articles))"
ARTICLE_FIGURES_SQL = (
    f"""insert into source_stats (source_id, articles, attributions, mentions, score_total)
select source_id, 1, attributions, mentions,
  round(
    coalesce((select score from articles where id = article_sources.article_id), 0),
    {SCORE_DECIMALS}
  )
from article_sources where article_id in {_WRITTEN}
order by article_sources.rowid
on conflict(source_id) do update set articles = articles + 1,
  attributions = attributions + excluded.attributions, mentions = mentions + excluded.mentions,
  score_total = round(score_total + excluded.score_total, {SCORE_DECIMALS})""",
    f"""insert into article_types (article_id, type, sources)
select article_sources.article_id, sources.type, count(*)
from article_sources join sources on sources.id = article_sources.source_id
where article_sources.article_id in {_WRITTEN}
group by article_sources.article_id, sources.type
on conflict(article_id, type) do update set sources = sources + excluded.sources""",
    f"""update type_stats set attributions = type_stats.attributions + added.attributions
from (
  select sources.type, sum(article_sources.attributions) as attributions
  from article_sources join sources on sources.id = article_sources.source_id
  where article_sources.article_id in {_WRITTEN}
  group by sources.type
) as added
where type_stats.type = added.type""",
    """insert into article_stats (article_id, attributions, warnings, score)
select id, attributions, warnings, score from (
  select value as id,
    (select count(*) from attribution_rows where article_id = value) as attributions,
    (select count(*) from finding_rows
      where article_id = value and severity in ('warning', 'error')) as warnings,
    exists (select 1 from article_sources where article_id = value) as has_sources,
    (select score from articles where id = value) as score
  from json_each(:articles)
)
where attributions or warnings or has_sources
on conflict(article_id) do update set attributions = attributions + excluded.attributions,
  warnings = warnings + excluded.warnings, score = excluded.score""",
    f"""update article_stats set (top_source_id, top_attributions, top_mentions) = (
  {_TOP_SOURCE}
)
where article_id in {_WRITTEN}""",
    f"""update article_stats
set top_source_share = round(1.0 * top_attributions / nullif(attributions, 0), 3)
where article_id in {_WRITTEN}""",
    f"""update statement_rows set attributions = statement_rows.attributions + carried.attributions,
  state_media = statement_rows.state_media + carried.state_media
from (
  select article_id || ':' || value as statement_id, count(*) as attributions,
    sum(coalesce((select type = 'state_media' from sources where id = source_id), 0))
      as state_media
  from (
    select distinct attribution_rows.rowid, article_id, source_id, value
    from attribution_rows join json_each(attribution_rows.statements)
    where article_id in {_WRITTEN}
  )
  group by 1
) as carried
where statement_rows.id = carried.statement_id""",
    # After the statements' counts, which it counts.
    f"""update article_stats
set state_media_only = ({_STATE_MEDIA_ONLY.format(article="article_stats.article_id")})
where article_id in {_WRITTEN}""",
)


# The article figures the m015 migration added, worked out from the rows already stored (after
# the statements' counts).
ARTICLE_ORDER_BACKFILL = f"""
update article_stats set score = (select score from articles where id = article_stats.article_id),
  state_media_only = ({_STATE_MEDIA_ONLY.format(article="article_stats.article_id")})
"""


def aggregate_trigger_sql() -> list[str]:
    """The statements creating :data:`AGGREGATE_TRIGGERS`."""
    return [trigger_sql(name) for name in AGGREGATE_TRIGGERS]


def trigger_sql(name: str) -> str:
    """The statement creating the aggregate trigger ``name``."""
    return f"CREATE TRIGGER [{name}] {AGGREGATE_TRIGGERS[name]}"


# The same figures worked out from the rows already stored: the tables' when the m008 migration
# adds them (reading the tables of attributions and findings that m010 made views of), the
# statements' when m010 adds their columns.
AGGREGATE_BACKFILL = f"""
insert into source_stats (source_id, articles, attributions, mentions, score_total)
select article_sources.source_id, count(*), sum(article_sources.attributions),
  sum(article_sources.mentions), round(sum(coalesce(articles.score, 0)), {SCORE_DECIMALS})
from article_sources left join articles on articles.id = article_sources.article_id
group by article_sources.source_id;
insert into source_stats (source_id) select id from sources where true on conflict do nothing;
insert into article_types (article_id, type, sources)
select article_sources.article_id, sources.type, count(*)
from article_sources join sources on sources.id = article_sources.source_id
group by article_sources.article_id, sources.type;
insert into type_stats (type, sources, articles, attributions)
select type, count(*),
  (select count(*) from article_types where article_types.type = sources.type),
  coalesce((select sum(article_sources.attributions) from article_sources
    join sources as cited on cited.id = article_sources.source_id
    where cited.type = sources.type), 0)
from sources group by type;
insert into article_stats (article_id, attributions, warnings)
select articles.id,
  (select count(*) from attributions where article_id = articles.id),
  (select count(*) from findings
    where article_id = articles.id and severity in ('warning', 'error'))
from articles;
update article_stats set (top_source_id, top_attributions, top_mentions) = (
  select source_id, attributions, mentions from article_sources
  where article_sources.article_id = article_stats.article_id and attributions > 0
  order by attributions desc, mentions desc, source_id limit 1
);
update article_stats
set top_source_share = round(1.0 * top_attributions / nullif(attributions, 0), 3);
"""
STATEMENT_COUNTS_BACKFILL = """
update statement_rows set attributions = carried.attributions, state_media = carried.state_media
from (
  select attribution_rows.article_id || ':' || value as statement_id, count(*) as attributions,
    sum(coalesce(sources.type = 'state_media', 0)) as state_media
  from attribution_rows join json_each(attribution_rows.statements)
  left join sources on sources.id = attribution_rows.source_id
  group by 1
) as carried
where statement_rows.id = carried.statement_id
"""


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()[0]
    )
