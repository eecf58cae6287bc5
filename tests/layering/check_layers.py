"""Keeps the include direction of src/: each library sees only the folders below it.

Layers (a folder may include itself and the folders listed for it, nothing else):
  core                                   the shared vocabulary
  source, decode, model                  bytes in, the betting model
  simulate                               the workload (writes the log)
  oltp                                   the workload into PostgreSQL, the Debezium connector
  state                                  checkpoint files of the fact state
  sink                                   the warehouse (core, model, source)
  transform                              assembly, validation, facts, KPI contributions
  pipeline                               the job: source -> decode -> transform -> sink
  reconcile, report                      readers of the warehouse
  serve                                  the local API and the dashboard (shows report's tiles)
  cli                                    the commands, on top of everything
Exit 0 when every #include "folder/..." is allowed, 1 with the offending lines otherwise."""
import os
import re
import sys

ALLOWED = {
    "core": set(),
    "source": {"core"},
    "decode": {"core"},
    "model": {"core"},
    "simulate": {"core", "source"},
    "oltp": {"core", "simulate"},
    "state": {"core", "source"},
    "sink": {"core", "model", "source"},
    "transform": {"core", "model"},
    "pipeline": {"core", "source", "decode", "model", "simulate", "sink", "state", "transform"},
    "reconcile": {"core", "model", "simulate", "sink"},
    "report": {"core", "model", "sink"},
    "serve": {"core", "sink", "report"},  # the dashboard serves the report's tiles
    "cli": {"core", "source", "decode", "model", "simulate", "oltp", "sink", "state", "transform",
            "pipeline", "reconcile", "report", "serve"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "src")
    bad, checked = [], 0
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        if folder not in ALLOWED:
            bad.append(f"src/{folder}: a folder the layering does not know; add it to {__file__}")
            continue
        for root, _, files in os.walk(path):
            for name in files:
                if not name.endswith((".h", ".cpp")):
                    continue
                file = os.path.join(root, name)
                with open(file, encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        checked += 1
                        target = m.group(1)
                        if target != folder and target not in ALLOWED[folder]:
                            rel = os.path.relpath(file, os.path.join(src, ".."))
                            bad.append(f"{rel}:{n}: src/{folder} may not include {target}/ "
                                       f"({line.strip()})")
    for b in bad:
        print("layering:", b)
    print(f"layering: {checked} includes checked, {len(bad)} against the direction")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
