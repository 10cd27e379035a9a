"""Runs one client command and prints one JSON line measured from outside, the same way
for every client: wall seconds (spawn to exit), CPU seconds (user + system of the client
and anything it waited for) and peak RSS (KiB), both from GNU time (/usr/bin/time, wait4's
rusage). Not wait4 from here: Linux keeps the pre-exec image's high-water RSS in
ru_maxrss, so a client forked from this Python process would never report less than the
interpreter's ~14 MiB; GNU time's own image is ~2 MiB.

    measure.py TAGS_JSON -- COMMAND ARGS...

TAGS_JSON is merged into the output. The exit status is the command's; its stdout goes to
stderr so that only the measurement reaches stdout.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    tags = json.loads(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%U %S %M", *cmd], stdout=sys.stderr.fileno())
        wall = time.monotonic() - start
        user, system, rss = report.read().split()[-3:]  # after "Command exited with non-zero status" if any
    tags.update(wall=wall, cpu=float(user) + float(system), user=float(user), sys=float(system), rss_kib=int(rss),
                status=proc.returncode)
    print(json.dumps(tags), flush=True)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
