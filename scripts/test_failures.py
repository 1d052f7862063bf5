#!/usr/bin/env python3
"""Repeat the failed tests of a .trx file (dotnet test's trx logger) at the end of a run.

The console logger prints a failure where it happens, which in a long suite is far above the
last screen (and above the tail a CI log keeps). `make test` calls this when a project fails, so
the names and messages of its failures are the last thing printed.

usage: test_failures.py FILE.trx
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MESSAGE_LINES = 12


def main(path: str) -> int:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"test_failures: cannot read {path}: {e}", file=sys.stderr)
        return 2
    failed = [r for r in root.iterfind(".//t:UnitTestResult", NS) if r.get("outcome") == "Failed"]
    print(f"\n=== {len(failed)} failed in {path} ===")
    for result in failed:
        print(f"FAILED {result.get('testName')} [{result.get('duration')}]")
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
        lines = message.strip().splitlines()
        for line in lines[:MESSAGE_LINES]:
            print(f"    {line}")
        if len(lines) > MESSAGE_LINES:
            print(f"    ... ({len(lines) - MESSAGE_LINES} more lines in the file)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
