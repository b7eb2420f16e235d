"""What the practice asks a team to look for in a map, and what to do about it.

`analyze_map` reports findings (rapid drops, sawtooth, troughs, gaps, unsupported claims …);
`rank_opportunities` orders the ideas; `compare_maps` sets an AS-IS map against its TO-BE
(`pick_pair` says which two maps those are);
`build_summary` writes the stakeholder summary. Definitions live in the docstrings of the
functions that implement them, and docs/analysis.md quotes them.
"""

from journeyline.analysis.analyze import DETECTORS, Detector, analyze_map, register_detector
from journeyline.analysis.compare import Comparison, compare_maps, pick_pair
from journeyline.analysis.config import AnalysisConfig, Setting, parse_assignments
from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import KINDS, SEVERITIES, Finding, Severity, at_least
from journeyline.analysis.priorities import RankedOpportunity, rank_opportunities, score_opportunity
from journeyline.analysis.summary import StakeholderSummary, build_summary, escape_markdown

__all__ = [
    "DETECTORS",
    "KINDS",
    "SEVERITIES",
    "AnalysisConfig",
    "Comparison",
    "Detector",
    "Finding",
    "MapContext",
    "RankedOpportunity",
    "Setting",
    "Severity",
    "StakeholderSummary",
    "analyze_map",
    "at_least",
    "build_summary",
    "compare_maps",
    "escape_markdown",
    "parse_assignments",
    "pick_pair",
    "rank_opportunities",
    "register_detector",
    "score_opportunity",
]
