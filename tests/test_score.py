from sayso.model import Analysis, Article, Finding
from sayso.plugins.score import MAX_POINTS_PER_CHECKER, score_deductions

ANALYSIS = Analysis(article=Article("x"), analyzer="offline")


def finding(checker="c", severity="warning", penalty=None, code="code", statement=None):
    return Finding(checker, code, severity, "Message.", statement=statement, penalty=penalty)


def test_points_by_severity_and_penalty():
    findings = [finding(severity="error"), finding(severity="info"), finding(penalty=7.0)]
    deductions = score_deductions(analysis=ANALYSIS, findings=findings)
    assert [(d.points, d.findings) for d in deductions] == [(10.0, [0]), (0.5, [1]), (7.0, [2])]
    assert "penalty set by c" in deductions[2].reason


def test_one_checker_is_capped_and_each_finding_keeps_its_share():
    findings = [finding() for _ in range(20)] + [finding(checker="other")]
    deductions = score_deductions(analysis=ANALYSIS, findings=findings)
    capped = [d for d in deductions if d.findings[0] < 20]
    assert round(sum(d.points for d in capped), 1) == MAX_POINTS_PER_CHECKER
    assert all(d.points == 2.0 and "capped" in d.reason for d in capped)
    assert deductions[-1].points == 4.0


def test_findings_that_cost_nothing_get_no_deduction():
    assert score_deductions(analysis=ANALYSIS, findings=[finding(penalty=0.0)]) == []


def test_a_statement_found_twice_with_one_weakness_is_deducted_once():
    findings = [
        finding(statement=1),
        finding(statement=1),
        finding(statement=1, code="other"),
        finding(statement=2),
        finding(checker="other", statement=1),
    ]
    deductions = score_deductions(analysis=ANALYSIS, findings=findings)
    assert sorted(d.findings[0] for d in deductions) == [0, 2, 3, 4]
