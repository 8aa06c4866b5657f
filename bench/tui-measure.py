# SPDX-License-Identifier: MIT
#
# One measurement for bench/tui-first-screen.sh: start a terminal program
# in a fresh tmux server (its own socket, no config, COLSxROWS), time it
# from the moment it is started until its screen first shows the folder's
# first entries, then read its peak memory.
#
#   python3 tui-measure.py TIMEOUT_S MARKER... -- COMMAND [ARG...]
#
# "First screen": the first capture of the pane in which every MARKER
# (the names of the folder's first entries in name order) is present.
# The same markers are used for every tool, so each is timed to the same
# thing: the top of the sorted folder drawn.  The tool is started by a
# shell already waiting in the pane ("read; exec COMMAND"), so tmux's own
# start-up is outside the time: the clock starts when Enter is sent.  The
# pane is captured every POLL_MS (10 ms).
#
# "Settled": after the first screen, capturing goes on until the screen
# has not changed for SETTLE_MS (a spinner or details still being filled
# in count as changes); settled_ms is the time of the last change seen.
# Then VmHWM (the peak resident set) is read from /proc/PID/status, where
# PID is the pane's process (which exec'd the tool) or, if the tool runs
# below it, that process's child.  Then the server is killed.
#
# Prints one JSON object: {"first_ms", "settled_ms", "hwm_kb", "error"}.
import json
import os
import subprocess
import sys
import time

POLL_MS = 10
SETTLE_MS = 500
COLS, ROWS = 120, 40


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] +
                          list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          errors="replace", check=check)


def capture(sock):
    r = tmux(sock, "capture-pane", "-p", "-t", "b", check=False)
    return r.stdout if r.returncode == 0 else None


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def tool_pid(pane_pid):
    """The pane's process, or its child while the pane still runs sh."""
    if comm(pane_pid) not in ("sh", "dash", "bash"):
        return pane_pid
    try:
        with open("/proc/%d/task/%d/children" % (pane_pid, pane_pid)) as f:
            kids = f.read().split()
    except OSError:
        kids = []
    return int(kids[0]) if kids else pane_pid


def hwm_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def measure(timeout, markers, cmd):
    sock = "ferry-bench-%d" % os.getpid()
    out = {"first_ms": -1, "settled_ms": -1, "hwm_kb": -1, "error": None}
    tmux(sock, "new-session", "-d", "-s", "b", "-x", str(COLS), "-y",
         str(ROWS), "sh", "-c", 'read _ && exec "$@"', "sh", *cmd)
    pid = -1
    sock_path = tmux(sock, "display", "-p", "#{socket_path}",
                     check=False).stdout.strip()
    try:
        pane_pid = int(tmux(sock, "display", "-p", "-t", "b",
                            "#{pane_pid}").stdout.strip())
        # Let sh reach its read, so Enter goes to it and nothing else.
        time.sleep(0.2)
        t0 = time.monotonic()
        tmux(sock, "send-keys", "-t", "b", "Enter")
        deadline = t0 + timeout
        last, last_change = None, t0
        while True:
            now = time.monotonic()
            if now > deadline:
                out["error"] = "timeout after %.0f s (%s)" % (
                    timeout, "no first screen" if out["first_ms"] < 0
                    else "screen never settled")
                break
            screen = capture(sock)
            if screen is None:
                out["error"] = "the program ended (or tmux went away)"
                break
            if screen != last:
                last, last_change = screen, now
                if out["first_ms"] < 0 and all(m in screen for m in markers):
                    out["first_ms"] = (now - t0) * 1000.0
            elif (out["first_ms"] >= 0 and
                  (now - last_change) * 1000.0 >= SETTLE_MS):
                out["settled_ms"] = (last_change - t0) * 1000.0
                break
            time.sleep(POLL_MS / 1000.0)
        pid = tool_pid(pane_pid)
        out["hwm_kb"] = hwm_kb(pid)
        if out["error"] is not None and last is not None:
            out["screen"] = last
    finally:
        tmux(sock, "kill-server", check=False)
        # A killed server may leave its socket file behind.
        if sock_path:
            try:
                os.unlink(sock_path)
            except OSError:
                pass
        if pid > 0:
            # The tool we started, by its PID, in case it outlives tmux.
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
    return out


def main():
    argv = sys.argv[1:]
    if "--" not in argv or len(argv) < 4:
        sys.exit("usage: tui-measure.py TIMEOUT_S MARKER... -- COMMAND...")
    sep = argv.index("--")
    timeout, markers, cmd = float(argv[0]), argv[1:sep], argv[sep + 1:]
    print(json.dumps(measure(timeout, markers, cmd)))


if __name__ == "__main__":
    main()
