"""`make eval`: sentiment, maintenance and technician-match quality; exit 1 below a target."""

from __future__ import annotations

import sys

from tests.evals import maintenance, sentiment, technician_match


def main() -> int:
    failed = []
    for name, module in (
        ("sentiment", sentiment),
        ("maintenance", maintenance),
        ("technician match", technician_match),
    ):
        text, passed = module.report()
        print(text, end="\n\n")
        if not passed:
            failed.append(name)
    if failed:
        print(f"eval: FAIL ({', '.join(failed)})")
        return 1
    print("eval: all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
