"""Test cases per phase of a schemathesis run, from its NDJSON event report.

python tools/schemathesis_phases.py schemathesis-report/ndjson-*.ndjson
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def cases_per_phase(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    """(scenarios, test cases) per phase name."""
    scenarios: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for line in lines:
        finished = json.loads(line).get("ScenarioFinished")
        if finished is None:
            continue
        scenarios[finished["phase"]] += 1
        cases[finished["phase"]] += len(finished.get("recorder", {}).get("cases") or {})
    return scenarios, cases


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, encoding="utf-8") as report:
            scenarios, cases = cases_per_phase(report.readlines())
        for phase in ("examples", "coverage", "fuzzing", "stateful"):
            print(f"schemathesis {phase}: {scenarios[phase]} scenarios, {cases[phase]} test cases")
        print(f"schemathesis total: {sum(cases.values())} test cases")


if __name__ == "__main__":
    main(sys.argv[1:])
