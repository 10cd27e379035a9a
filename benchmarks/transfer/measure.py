"""Runs one client command and prints one JSON line measured from outside, the same way
for every client: wall seconds (spawn to exit), CPU seconds (user + system of the child
and anything it waited for, from wait4's rusage) and peak RSS (ru_maxrss, KiB).

    measure.py TAGS_JSON -- COMMAND ARGS...

TAGS_JSON is merged into the output. The exit status is the command's; its stdout goes to
stderr so that only the measurement reaches stdout.
"""
import json
import os
import subprocess
import sys
import time


def main():
    tags = json.loads(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=sys.stderr.fileno())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    tags.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime, user=usage.ru_utime, sys=usage.ru_stime,
                rss_kib=usage.ru_maxrss, status=proc.returncode)
    print(json.dumps(tags), flush=True)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
