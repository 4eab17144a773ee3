"""Judgement over a frozen AI-BOM: policy, obligations, findings, openness.

Pure functions of (graph, license knowledge, policy): the same input gives the same
output, byte for byte.
"""

from aiprov.analysis.checks import Finding, Report, check
from aiprov.analysis.obligations import Obligation, obligations
from aiprov.analysis.openness import OpennessReport, openness
from aiprov.analysis.policy import DEFAULT_POLICY, Policy, Use, Waiver

__all__ = [
    "DEFAULT_POLICY",
    "Finding",
    "Obligation",
    "OpennessReport",
    "Policy",
    "Report",
    "Use",
    "Waiver",
    "check",
    "obligations",
    "openness",
]
