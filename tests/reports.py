"""Checking a text written for a test with the rule analyzer, and finding its statements: the
tests of the steps after extraction (carry-over, non-attribution, findings) read reports so."""

from sayso import check
from sayso.model import Article, Statement
from sayso.pipeline.checkers import ArticleReport


def report_of(text: str) -> ArticleReport:
    """The report on ``text``, checked as ``story.txt`` with the rule ("offline") analyzer."""
    [report] = check(Article(text=text, path="story.txt"), analyzer="offline").reports
    return report


def statement_with(report: ArticleReport, words: str) -> Statement:
    """The one statement of ``report`` whose text holds ``words``."""
    [statement] = [s for s in report.analysis.statements if words in s.text]
    return statement
