"""What the benchmarks on the project's stack share (bench/kafka_engine_bench.py,
bench/kafka_group_bench.py): a work folder of their own, scripts/stack.sh on free loopback ports
(tests/integration/stack_env.py), the commands they run, and the kernel's accounting of a
process (CPU seconds from /proc/<pid>/stat, memory from /proc/<pid>/status, wait4)."""
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from stack_env import stack_env  # noqa: E402

STACK = os.path.join(ROOT, "scripts", "stack.sh")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load():
    """The load average (1/5/15 min) as "0.00 0.00 0.00"."""
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine():
    """"host, N cores, CPU model" of this machine."""
    cpu = open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].splitlines()[0]
    return f"{platform.node()}, {os.cpu_count()} cores, {cpu.strip()}"


def cpu_s(pid):
    """utime + stime of a process (all its threads), seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_mb(pid, field):
    """A kB line of /proc/<pid>/status (VmRSS: resident now, VmHWM: peak so far), MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait4(proc):
    """(exit code, CPU seconds, peak RSS MB) of a child, from the kernel's accounting."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


class StackBench:
    """A benchmark with its own work folder (under $TOTE_BENCH_TMP if set) and its own stack
    (Kafka and the ClickHouse 18.16 server) on free ports. binaries: {attribute: path under the
    build folder}, each checked to be there (build_hint says how to build them)."""

    def __init__(self, args, prefix, binaries, build_hint):
        self.args = args
        self.build = os.path.abspath(args.build)
        for attr, rel in binaries.items():
            path = os.path.join(self.build, rel)
            if not os.access(path, os.X_OK):
                sys.exit(f"{path} is missing: {build_hint}")
            setattr(self, attr, path)
        self.work = tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TOTE_BENCH_TMP"))
        self.ports, self.env = stack_env(self.work)
        self.brokers = f"127.0.0.1:{self.ports['TOTE_KAFKA_PORT']}"
        self.ch_port = self.ports["TOTE_CLICKHOUSE_PORT"]
        self.stack_dir = self.env["TOTE_STACK_DIR"]
        self.results = {}

    def run(self, args, **kw):
        """subprocess.run in the stack's environment; a failure ends the benchmark (printed).
        Returns the process and its wall seconds."""
        t0 = time.monotonic()
        p = subprocess.run(args, capture_output=True, text=True, env=self.env, **kw)
        if p.returncode != 0:
            sys.stderr.write(f"$ {' '.join(args)}\nexit {p.returncode}\n{p.stdout}\n{p.stderr}\n")
            raise SystemExit(f"FAILED: {' '.join(args[:4])}")
        return p, time.monotonic() - t0

    def pid(self, service):
        f = {"kafka": "kafka/kafka.pid", "clickhouse": "clickhouse/server.pid"}[service]
        with open(os.path.join(self.stack_dir, f)) as fh:
            return int(fh.read().strip())

    def stack_up(self):
        """Starts Kafka and ClickHouse; sets kafka_pid and ch_pid; returns the seconds it took."""
        _, dt = self.run([STACK, "up", "kafka", "clickhouse"], timeout=900)
        self.kafka_pid, self.ch_pid = self.pid("kafka"), self.pid("clickhouse")
        return dt

    def main(self):
        """Runs the benchmark's steps on its stack; at the end, even on a failure, stops what
        it started (stop_processes, then the stack)."""
        self.load_start = load()
        log(f"work folder {self.work}; load average {self.load_start}")
        try:
            self.steps()
        finally:
            self.stop_processes()
            self.stack_down()

    def steps(self):
        raise NotImplementedError

    def stop_processes(self):
        """Kills what the steps left running (the stack apart)."""

    def write_results(self, lines):
        """Prints the results and writes them to results.md in the work folder."""
        print("\n" + "\n".join(lines), flush=True)
        with open(os.path.join(self.work, "results.md"), "w") as fh:
            fh.write("\n".join(lines) + "\n")

    def stack_down(self):
        """Stops the stack and removes the work folder, or with --keep leaves both."""
        if not self.args.keep:
            subprocess.run([STACK, "down"], env=self.env, capture_output=True, timeout=300)
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            log(f"kept: stack running in {self.stack_dir} (TOTE_STACK_DIR={self.stack_dir} "
                f"scripts/stack.sh down stops it)")
