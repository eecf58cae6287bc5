"""A throwaway PostgreSQL 15 cluster for tests: initdb in a temporary folder, listening on a free
loopback port with wal_level=logical (what Debezium needs), stopped and removed by stop().
As root, the server runs as the postgres user (PostgreSQL refuses to run as root)."""
import os
import shutil
import socket
import subprocess
import tempfile

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
PSQL = os.path.join(PGBIN, "psql") if os.path.exists(os.path.join(PGBIN, "psql")) else "/usr/bin/psql"


def installed():
    return all(os.path.exists(os.path.join(PGBIN, b)) for b in ("initdb", "pg_ctl")) and \
        os.path.exists(PSQL)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PostgresCluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tote-pg-")
        os.chmod(self.dir, 0o755)
        self.runas = []
        if os.getuid() == 0:
            self.runas = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.data = os.path.join(self.dir, "data")
        self.started = False

    def start(self):
        subprocess.run(self.runas + [os.path.join(PGBIN, "initdb"), "-D", self.data, "-A", "trust",
                                     "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True)
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c wal_level=logical -c max_wal_senders=4 -c max_replication_slots=4")
        proc = subprocess.run(self.runas + [os.path.join(PGBIN, "pg_ctl"), "-D", self.data, "-l",
                                            os.path.join(self.dir, "server.log"), "-w", "-o", opts,
                                            "start"], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("PostgreSQL did not start:\n" + proc.stdout + proc.stderr +
                               open(os.path.join(self.dir, "server.log")).read())
        self.started = True

    def url(self, database="postgres"):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql, database="postgres"):
        """Rows of a query as lists of strings (unaligned, tab-separated)."""
        out = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h",
                              "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                              "-c", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines()]

    def stop(self):
        if self.started:
            subprocess.run(self.runas + [os.path.join(PGBIN, "pg_ctl"), "-D", self.data, "-m",
                                         "immediate", "stop"], capture_output=True)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
