"""Run every benchmark and print its figures: ``make bench``."""

from __future__ import annotations

import importlib

BENCHMARKS = [
    "benchmarks.bench_model:main",
    "benchmarks.bench_runner_overhead:main",
]


def main() -> None:
    for target in BENCHMARKS:
        module_name, function = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            print(f"[{module_name}] not present, skipped")
            continue
        print(f"== {module_name}")
        getattr(module, function)()


if __name__ == "__main__":
    main()
