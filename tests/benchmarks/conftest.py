"""Prints the benchmarks' one table at the end of the run (see ``report.py``)."""

from tests.benchmarks import report


def pytest_terminal_summary(terminalreporter):
    if not report.ROWS:
        return
    terminalreporter.section("benchmarks: one line per measure, ratios to a peer of the same run")
    for line in report.table(report.ROWS):
        terminalreporter.write_line(line)
