"""`portal doctor`: check a deployment, one line per check, and what to do when one fails.

`report` and `verdicts` are pure (what a finding means, how it prints); `service_probes`
and `wecom_probes` do the I/O; `runner` orders the checks and bounds each with a deadline.
"""

from __future__ import annotations

from portal.doctor.report import Result, Status
from portal.doctor.runner import DEFAULT_TIMEOUT, Report, run_checks, run_doctor

__all__ = ["DEFAULT_TIMEOUT", "Report", "Result", "Status", "run_checks", "run_doctor"]
