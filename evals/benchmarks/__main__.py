"""`python -m breakdesk.evals.benchmarks [NAME ...] [-- ARGS]`: run the named benchmarks (default: all)."""

from __future__ import annotations

import sys

from breakdesk.evals.benchmarks import MODULES, get


def main(argv: list[str]) -> int:
    names, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    if {"-h", "--help"} & {*names, *extra}:  # help, never a run: `recon --help` used to run the benchmark
        wanted = [n for n in names if n not in ("-h", "--help")]
        print(f"usage: python -m breakdesk.evals.benchmarks [NAME ...] [-- ARGS]\nbenchmarks: {', '.join(sorted(MODULES))}")
        for name in wanted:
            print(f"\n{name}:")
            try:
                get(name)(["--help"])
            except SystemExit:  # argparse's help exits
                pass
            except KeyError as exc:
                print(exc.args[0], file=sys.stderr)
                return 2
        return 0
    status = 0
    for name in names or sorted(MODULES):
        try:
            bench = get(name)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
        status = bench(extra) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
