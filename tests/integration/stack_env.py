"""What the tests that start scripts/stack.sh share: the check for the tools they need, and an
environment with a free loopback port per service and the stack's data in a work folder."""
import json
import signal
import threading
import os
import shutil
import socket
import subprocess
import sys
import time

STACK_PORTS = ("TOTE_PG_PORT", "TOTE_KAFKA_PORT", "TOTE_KAFKA_CONTROLLER_PORT",
               "TOTE_CONNECT_PORT", "TOTE_CLICKHOUSE_PORT")


def missing_tools_exit(tools, also_missing=()):
    """None when every tool is on the PATH; otherwise prints what is missing and returns the exit
    code: 77 (skipped), or 1 under CI=true, where everything must be installed."""
    missing = [t for t in tools if shutil.which(t) is None] + list(also_missing)
    if not missing:
        return None
    msg = f"not installed: {', '.join(missing)} (scripts/install-deps.sh --tests installs them)"
    if os.environ.get("CI") == "true":
        print("FAIL: " + msg)
        return 1
    print("SKIP: " + msg)
    return 77


def _free_port(taken):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken and port + 1 not in taken:  # a service may take the next one too
            return port


def stack_env(work, port_vars=STACK_PORTS):
    """(ports, env): a distinct free port per variable, TOTE_STACK_DIR under `work`."""
    ports = {}
    for var in port_vars:
        ports[var] = _free_port(set(ports.values()))
    env = dict(os.environ, TOTE_STACK_DIR=os.path.join(work, "stack"), TOTE_STACK_TIMEOUT="150",
               **{k: str(v) for k, v in ports.items()})
    return ports, env


# What the stack tests print and count: each check as "ok" or "FAIL", commands with their time
# and exit code, and the Kafka Connect REST calls.
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(args, env=None, timeout=300, expect_rc=0):
    """Runs a command; stops the test (naming the exit code) when it is not expect_rc (None:
    any)."""
    t0 = time.monotonic()
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    print(f"$ {' '.join(args)}  ({time.monotonic() - t0:.1f} s, exit {p.returncode})")
    if expect_rc is not None and p.returncode != expect_rc:
        sys.stderr.write(f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}\n")
        raise SystemExit(f"FAIL: exit {p.returncode}, expected {expect_rc}")
    return p


def curl(method, url, body=None):
    """(HTTP status, body) of a JSON request (Kafka Connect's REST API)."""
    args = ["curl", "-s", "-o", "/dev/stdout", "-w", "\n%{http_code}", "-X", method, "--max-time",
            "30", "-H", "Content-Type: application/json", url]
    if body is not None:
        args += ["--data", json.dumps(body)]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    text, _, code = out.rpartition("\n")
    return int(code or 0), text


class Member:
    """A `tote ingest --kafka-group` process whose stdout lines are collected by a thread."""

    def __init__(self, name, args, work, deadline=120):
        self.name = name
        self.deadline = deadline
        self.lines = []
        self.err_path = os.path.join(work, f"{name}.stderr")
        with open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, text, start=0, timeout=None):
        """Index and text of the first line at or after `start` containing text."""
        timeout = timeout or self.deadline
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i in range(start, len(self.lines)):
                if text in self.lines[i]:
                    return i, self.lines[i]
            if self.proc.poll() is not None and not any(text in l for l in self.lines[start:]):
                break
            time.sleep(0.05)  # polling interval, not synchronisation
        stderr = open(self.err_path).read()[-3000:]
        raise SystemExit(f"FAILED: {self.name}: no line with {text!r} within {timeout} s; "
                         f"stdout: {self.lines[-20:]}\nstderr: {stderr}")

    def held(self, topic):
        """True when the last assignment event of topic/0 here is an assignment."""
        state = False
        for l in self.lines:
            if l.startswith(f"group: {topic}/0 assigned"):
                state = True
            elif l.startswith(f"group: {topic}/0 revoked"):
                state = False
        return state

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def committed_offset(tote, viewer_dir, url, database, topic):
    """The position `tote ingest` committed for partition 0 of topic in database (next_offset of
    consumer kafka:<topic>:0 in <database>._offsets, read with `tote query` against the server at
    url); 0 while the database, the table or the row is not there yet."""
    p = subprocess.run([tote, "--data-dir", viewer_dir, "--clickhouse-url", url, "query",
                        f"SELECT next_offset FROM {database}._offsets FINAL WHERE consumer = "
                        f"'kafka:{topic}:0'", "--format", "TabSeparated"],
                       capture_output=True, text=True, timeout=300)
    text = p.stdout.strip()
    return int(text) if p.returncode == 0 and text else 0


def stop_if_crashed(members):
    """Stops the test, with the tail of its stderr, when a member exited other than with 0 or
    by SIGKILL (the tests' own kills)."""
    for m in members:
        if m.proc.poll() is not None and m.proc.returncode not in (-9, 0):
            raise SystemExit(f"FAILED: {m.name} exited {m.proc.returncode}: "
                             f"{open(m.err_path).read()[-3000:]}")


def poll_until(probe, done, members, timeout, interval):
    """(True, value) as soon as done(value) for value = probe(), polled every interval seconds;
    (False, the last value) after timeout. Stops the test when one of members crashed."""
    end = time.monotonic() + timeout
    got = None
    while time.monotonic() < end:
        got = probe()
        if done(got):
            return True, got
        stop_if_crashed(members)
        time.sleep(interval)  # polling interval, not synchronisation
    return False, got


def verdict(name, t_start):
    """Prints how long the test took (since t_start, monotonic) and PASS or how many checks
    failed; returns the exit code (1 when a check failed)."""
    print(f"{name}: {time.monotonic() - t_start:.0f} s")
    if failures:
        print(f"FAILED: {len(failures)} check(s)")
        return 1
    print("PASS")
    return 0
