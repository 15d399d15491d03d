#!/usr/bin/env python3
"""Times `isms lsp` from a keystroke to the diagnostics that follow, for docs/benchmarks.md.

Opens risks.yaml of a repository, then types a typo into an owner and takes it out again,
RUNS times; each change is a full-text didChange (what editors send with full sync) and the
time is measured from writing the change to reading the publishDiagnostics that reflects it.
The debounce is set to 0 so the figure is the server's own work; editors add the default
30 ms of quiet time on top.

Usage: python3 benches/lsp-keystroke.py BIN REPO [RUNS] [FILE]   (FILE defaults to risks.yaml)

On Linux it also prints the server's CPU time per change, a figure that depends less on what
else runs on a shared machine than the wall-clock times.
"""
import json
import os
import statistics
import subprocess
import sys
import time

bin_path, repo = sys.argv[1], os.path.realpath(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
name = sys.argv[4] if len(sys.argv) > 4 else "risks.yaml"

p = subprocess.Popen([bin_path, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def send(msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read():
    length = None
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("server closed the connection")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))


def wait(pred):
    while True:
        m = read()
        if pred(m):
            return m


uri = "file://" + os.path.join(repo, name)
text = open(os.path.join(repo, name), encoding="utf-8").read()
# The first owner of the register, whatever the generator called it.
at = text.index("owner: ") + len("owner: ")
end = text.index("\n", at)
typo = text[:at] + text[at:end] + "x" + text[end:]

send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": "file://" + repo, "capabilities": {},
                 "initializationOptions": {"asOf": "2025-06-30", "debounceMs": 0}}})
wait(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

t0 = time.perf_counter()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})


def published(m):
    return m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri


def has_dangling(m):
    return any(d.get("code") == "LOAD-013" for d in m["params"]["diagnostics"])


def cpu_seconds():
    """User and system CPU time of the server so far (Linux), or None elsewhere."""
    try:
        with open(f"/proc/{p.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


wait(published)
first = (time.perf_counter() - t0) * 1000
cpu0 = cpu_seconds()
times = []
version = 1
for i in range(runs):
    for body, want in ((typo, True), (text, False)):
        version += 1
        t = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [{"text": body}]}})
        wait(lambda m: published(m) and has_dangling(m) == want)
        times.append((time.perf_counter() - t) * 1000)
cpu1 = cpu_seconds()
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
wait(lambda m: m.get("id") == 2)
send({"jsonrpc": "2.0", "method": "exit", "params": None})
p.wait(timeout=30)
times.sort()
print(f"repository: {repo} ({len(text)} bytes in {name})")
print(f"first check after didOpen: {first:.0f} ms")
print(f"keystroke to diagnostics, {len(times)} changes: median {statistics.median(times):.0f} ms, "
      f"p90 {times[int(len(times) * 0.9) - 1]:.0f} ms, min {times[0]:.0f} ms, max {times[-1]:.0f} ms")
if cpu0 is not None and cpu1 is not None:
    # What a keystroke costs the machine, whatever else runs on it (the rules use every core,
    # so on an idle machine the wall time is lower than this).
    print(f"server CPU time per change: {(cpu1 - cpu0) * 1000 / len(times):.0f} ms")
