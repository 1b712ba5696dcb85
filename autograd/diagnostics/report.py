"""`Finding` and `Report`: what `diagnose` found, readable in a terminal, in Jupyter and as JSON.

Example:
    >>> from autograd.diagnostics.report import Finding, Report
    >>> report = Report([Finding("loss_decreasing", "info", "Loss fell from 0.69 to 0.10.")])
    >>> report.ok, report.codes
    (True, ['loss_decreasing'])
    >>> print(report)
    Looks healthy
    <BLANKLINE>
    INFO
      - [loss_decreasing] Loss fell from 0.69 to 0.10.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import numpy as np

__all__ = ["SEVERITIES", "Finding", "Report"]

# Most serious first: the order findings are listed and grouped in.
SEVERITIES = ("critical", "warning", "info")


def _jsonable(value: Any) -> Any:
    """Plain Python data that strict JSON accepts (numpy numbers unwrapped, nan/inf as text)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # Strict JSON has no NaN or Infinity; a string keeps the evidence readable.
        return float(value) if math.isfinite(value) else str(float(value))
    if value is None or isinstance(value, str):
        return value
    return str(value)


@dataclass(frozen=True)
class Finding:
    """One thing `diagnose` noticed: a stable code, how serious it is, the evidence and the fix to try.

    Args:
        code: stable name of the rule that fired, e.g. ``"overfitting"``.
        severity: ``"critical"``, ``"warning"`` or ``"info"`` (info is also used for good signs).
        message: plain English, with the numbers that triggered the rule.
        fix: what to try next ("" for good signs).
        evidence: the numbers behind the message, by name.

    Example:
        >>> Finding("overfitting", "warning", "Val loss rose.", "Stop earlier.", {"epoch": 12}).evidence
        {'epoch': 12}
    """

    code: str
    severity: str
    message: str
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"Finding: severity must be one of {list(SEVERITIES)}, got {self.severity!r}")
        if not isinstance(self.code, str) or not self.code:
            raise ValueError(f"Finding: code must be a non-empty string, got {self.code!r}")

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data.

        Example:
            >>> Finding("non_finite_loss", "critical", "NaN.", evidence={"value": float("nan")}).to_dict()["evidence"]
            {'value': 'nan'}
        """
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "evidence": _jsonable(self.evidence),
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Report:
    """The findings of one `diagnose` call, most serious first, with a one-line verdict.

    Args:
        findings: the `Finding`s, in any order (kept stable within a severity).

    Example:
        >>> r = Report([Finding("class_imbalance", "warning", "2% positives.", "Weight the classes.")])
        >>> r.headline, r.ok, "class_imbalance" in r
        ('NEEDS ATTENTION: 1 warning', False, True)
    """

    def __init__(self, findings: Sequence[Finding] = ()) -> None:
        for f in findings:
            if not isinstance(f, Finding):
                raise TypeError(f"Report: findings must be Finding objects, got {f!r}")
        self.findings: list[Finding] = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))

    @property
    def codes(self) -> list[str]:
        """The codes of the findings, in report order."""
        return [f.code for f in self.findings]

    @property
    def ok(self) -> bool:
        """True when nothing is a warning or critical (good signs alone are ok)."""
        return all(f.severity == "info" for f in self.findings)

    def count(self, severity: str) -> int:
        """How many findings have this severity.

        Example:
            >>> Report([Finding("a", "info", "x")]).count("info")
            1
        """
        if severity not in SEVERITIES:
            raise ValueError(f"Report.count: severity must be one of {list(SEVERITIES)}, got {severity!r}")
        return sum(f.severity == severity for f in self.findings)

    def get(self, code: str) -> Finding | None:
        """The finding with this code, or None if that rule did not fire.

        Example:
            >>> Report([Finding("a", "info", "x")]).get("b") is None
            True
        """
        return next((f for f in self.findings if f.code == code), None)

    @property
    def headline(self) -> str:
        """A one-line verdict: NOT READY (critical), NEEDS ATTENTION (warnings) or Looks healthy."""
        critical, warnings = self.count("critical"), self.count("warning")
        if critical:
            extra = f" and {_plural(warnings, 'warning')}" if warnings else ""
            return f"NOT READY: {_plural(critical, 'critical problem')}{extra}"
        if warnings:
            return f"NEEDS ATTENTION: {_plural(warnings, 'warning')}"
        if self.findings:
            return "Looks healthy"
        return "Nothing to report: not enough evidence for a verdict"

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __repr__(self) -> str:
        return f"Report({self.headline!r}, codes={self.codes!r})"

    def __str__(self) -> str:
        lines = [self.headline]
        for severity in SEVERITIES:
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            lines += ["", severity.upper()]
            for f in group:
                lines.append(f"  - [{f.code}] {f.message}")
                if f.fix:
                    lines.append(f"    Try: {f.fix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Everything user-visible is escaped: messages quote feature names and labels.
        colors = {"critical": "#b00020", "warning": "#b36b00", "info": "#2e7d32"}
        color = colors["critical" if self.count("critical") else "warning" if not self.ok else "info"]
        parts = [f'<div class="backproplab-report"><p style="color:{color}"><b>{html.escape(self.headline)}</b></p>']
        for severity in SEVERITIES:
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            parts.append(f'<p style="color:{colors[severity]}"><b>{severity.upper()}</b></p><ul>')
            for f in group:
                fix = f"<br><i>Try:</i> {html.escape(f.fix)}" if f.fix else ""
                parts.append(f"<li><code>{html.escape(f.code)}</code> {html.escape(f.message)}{fix}</li>")
            parts.append("</ul>")
        parts.append("</div>")
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: headline, ok, and each finding.

        Example:
            >>> Report().to_dict()
            {'headline': 'Nothing to report: not enough evidence for a verdict', 'ok': True, 'findings': []}
        """
        return {"headline": self.headline, "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}

    def to_json(self, indent: int | None = 2) -> str:
        """The report as strict JSON text (no NaN literals).

        Example:
            >>> Report([Finding("a", "info", "x")]).to_json(indent=None)[:30]
            '{"headline": "Looks healthy", '
        """
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)
