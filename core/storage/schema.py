"""The database schema as it is now: what migrations build, rows are written to and pages read.

An article's text is stored once, in ``articles.text``. Statements, attributions,
non-attributions and findings are stored as spans into it, in the tables named in
:data:`SPAN_VIEWS` (``statement_rows``, …); the views of the public names (``statements``, …)
give each span's text back, so SQL that reads ``statements.text`` or
``attributions.content_text`` reads exactly what was stored before the text left those tables
(the m010 migration), and ``--format json`` is built in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass


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
# tables (and, per statement, two columns of ``statement_rows``) that triggers maintain as rows
# are written and deleted — by a check, a merge or anything else — so they always agree with
# the rows. The figures are defined here once, as the SQL below.
AGGREGATE_TABLES = ("source_stats", "type_stats", "article_types", "article_stats")
# Per statement: the attributions carrying it, and how many of those rest on state media.
STATEMENT_COUNTS = ("attributions", "state_media")
STATEMENT_COUNTS_SQL = (
    "ALTER TABLE statement_rows ADD COLUMN attributions INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE statement_rows ADD COLUMN state_media INTEGER NOT NULL DEFAULT 0",
    # The statements a state-media page lists, by article: few, so a small index.
    "CREATE INDEX idx_statement_rows_state_media ON statement_rows (article_id, idx) "
    "WHERE state_media > 0",
)

# The top source of an article: most attributions, then mentions, then id. A new row only has
# to be compared with the top so far; a deleted one (a re-check deletes them all) means looking
# at the rows left.
_TOP_SOURCE_AFTER_INSERT = """
update article_stats set top_source_id = new.source_id, top_attributions = new.attributions,
  top_mentions = new.mentions,
  top_source_share = round(1.0 * new.attributions / nullif(attributions, 0), 3)
where article_id = new.article_id and new.attributions > 0 and (
  top_source_id is null
  or (new.attributions, new.mentions, top_source_id)
    > (top_attributions, top_mentions, new.source_id)
);"""
_TOP_SOURCE_AFTER_DELETE = """
update article_stats set
  (top_source_id, top_attributions, top_mentions) = (
    select source_id, attributions, mentions from article_sources
    where article_sources.article_id = article_stats.article_id and attributions > 0
    order by attributions desc, mentions desc, source_id limit 1
  )
where article_id = old.article_id and top_source_id = old.source_id;
update article_stats
set top_source_share = round(1.0 * top_attributions / nullif(attributions, 0), 3)
where article_id = old.article_id and top_source_id is not old.source_id;"""
# Whether an attribution's source is state media (1 or 0).
_STATE_MEDIA = "coalesce((select type = 'state_media' from sources where id = {row}.source_id), 0)"
# The statements an attribution carries.
_CARRIED = "select {row}.article_id || ':' || value from json_each({row}.statements)"

AGGREGATE_TRIGGERS = {
    "aggregate_sources_insert": """after insert on sources begin
  insert into type_stats (type, sources) values (new.type, 1)
  on conflict(type) do update set sources = sources + 1;
end""",
    "aggregate_sources_delete": """after delete on sources begin
  update type_stats set sources = sources - 1 where type = old.type;
end""",
    "aggregate_article_sources_insert": f"""after insert on article_sources begin
  insert into source_stats (source_id, articles, attributions, mentions, score_total)
  values (new.source_id, 1, new.attributions, new.mentions,
    coalesce((select score from articles where id = new.article_id), 0))
  on conflict(source_id) do update set articles = articles + 1,
    attributions = attributions + excluded.attributions, mentions = mentions + excluded.mentions,
    score_total = score_total + excluded.score_total;
  insert into article_types (article_id, type, sources)
  select new.article_id, type, 1 from sources where id = new.source_id
  on conflict(article_id, type) do update set sources = sources + 1;
  update type_stats set attributions = attributions + new.attributions
  where type = (select type from sources where id = new.source_id);
  insert into article_stats (article_id) values (new.article_id) on conflict do nothing;
  {_TOP_SOURCE_AFTER_INSERT}
end""",
    "aggregate_article_sources_delete": f"""after delete on article_sources begin
  update source_stats set articles = articles - 1, attributions = attributions - old.attributions,
    mentions = mentions - old.mentions,
    score_total = score_total - coalesce((select score from articles where id = old.article_id), 0)
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
    "aggregate_attributions_insert": f"""after insert on attribution_rows begin
  insert into article_stats (article_id, attributions) values (new.article_id, 1)
  on conflict(article_id) do update set attributions = attributions + 1,
    top_source_share = round(1.0 * top_attributions / (attributions + 1), 3);
  update statement_rows set attributions = attributions + 1,
    state_media = state_media + {_STATE_MEDIA.format(row="new")}
  where id in ({_CARRIED.format(row="new")});
end""",
    "aggregate_attributions_delete": f"""after delete on attribution_rows begin
  update article_stats set attributions = attributions - 1,
    top_source_share = round(1.0 * top_attributions / nullif(attributions - 1, 0), 3)
  where article_id = old.article_id;
  update statement_rows set attributions = attributions - 1,
    state_media = state_media - {_STATE_MEDIA.format(row="old")}
  where id in ({_CARRIED.format(row="old")});
end""",
    "aggregate_findings_insert": """after insert on finding_rows
when new.severity in ('warning', 'error') begin
  insert into article_stats (article_id, warnings) values (new.article_id, 1)
  on conflict(article_id) do update set warnings = warnings + 1;
end""",
    "aggregate_findings_delete": """after delete on finding_rows
when old.severity in ('warning', 'error') begin
  update article_stats set warnings = warnings - 1 where article_id = old.article_id;
end""",
    "aggregate_articles_delete": """after delete on articles begin
  delete from article_stats where article_id = old.id;
end""",
}


def aggregate_trigger_sql() -> list[str]:
    """The statements creating :data:`AGGREGATE_TRIGGERS`."""
    return [f"CREATE TRIGGER [{name}] {body}" for name, body in AGGREGATE_TRIGGERS.items()]


# The same figures worked out from the rows already stored: the tables' when the m008 migration
# adds them (reading the tables of attributions and findings that m010 made views of), the
# statements' when m010 adds their columns.
AGGREGATE_BACKFILL = """
insert into source_stats (source_id, articles, attributions, mentions, score_total)
select article_sources.source_id, count(*), sum(article_sources.attributions),
  sum(article_sources.mentions), sum(coalesce(articles.score, 0))
from article_sources left join articles on articles.id = article_sources.article_id
group by article_sources.source_id;
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
