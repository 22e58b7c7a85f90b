"""Faults against a live `prehook serve` on loopback (Python standard library only).

usage: faults.py PREHOOK_BINARY SCALE WORKDIR      (SCALE: full or small)

Checks, one line each (PASS/FAIL and the figures):
  broken reload  while wrk runs, a rule file is replaced by broken JSON5, then by a pattern that does
                 not compile, then by a rule whose examples fail (each signalled with SIGHUP and seen
                 by polling), then restored: no failed request, the last good set kept, every failure
                 counted in prehook_rule_reloads_total{result="failure"}
  sigterm        SIGTERM while wrk runs and while a request is half sent: that request is answered
                 in full, new connections are refused, the process exits 0
  soak           1,000,000 requests (small: 100,000) with RSS sampled every 10 s (small: 1 s): no
                 growth beyond 5% after the first sample
  descriptors    /proc/PID/fd counted at start and after all of the above plus a connection storm:
                 the same count, and the open-connections gauge back to ~0
  logs           no crash text, no token, no message text
Exit status 1 when a check fails.
"""
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

binary, scale, work = sys.argv[1], sys.argv[2], sys.argv[3]
small = scale == "small"
WRK_SECONDS = 4 if small else 10
SOAK_TARGET = 100_000 if small else 1_000_000
SOAK_SECONDS = int(os.environ.get("SOAK_SECONDS", 8 if small else 70))
SAMPLE_SECONDS = float(os.environ.get("SOAK_SAMPLE_SECONDS", 1 if small else 10))
TOKEN = "faults-token-" + os.urandom(6).hex()
repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def report(name, ok, figures):
    print(f"{'PASS' if ok else 'FAIL'}  {name:<14} {figures}", flush=True)
    if not ok:
        failures.append(name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path):
    """GET path; returns (status, body) or (None, b"") when the server cannot be reached."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return None, b""
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.1 (\d{3})", head)
    return (int(m.group(1)) if m else None), body


class Server:
    def __init__(self, name, rules, *extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.log_path = os.path.join(work, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port), "--public-url", self.url,
                                         "--rules", rules, "--no-request-log", *extra],
                                        stdout=subprocess.DEVNULL, stderr=self.log, env=dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN))
        for _ in range(100):
            if http(self.port, "/healthz")[0] == 200:
                return
            time.sleep(0.05)
        raise SystemExit(f"{name} did not start: {open(self.log_path).read()}")

    def version(self):
        status, body = http(self.port, "/healthz")
        m = re.search(rb'"rules_version":"([0-9a-f]+)"', body)
        return m.group(1).decode() if m else None

    def metrics(self):
        return http(self.port, "/metrics")[1].decode()

    def metric(self, pattern):
        m = re.search(pattern + r" (\d+)", self.metrics())
        return int(m.group(1)) if m else 0

    def fds(self):
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def rss_kb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk(url, lua, seconds, connections=16):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", lua, url], capture_output=True, text=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("RESULT")), "")
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def make_lua(url, path):
    subprocess.run([sys.executable, os.path.join(repo, "benchmarks", "load", "make_requests.py"), binary, url, TOKEN, path],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def five_hundreds(server):
    """Answers that were not what a healthy gateway gives: failed-closed or failed-open outcomes and
    any 5xx the HTTP layer sent."""
    text = server.metrics()
    failed = sum(int(n) for n in re.findall(r'prehook_requests_total\{[^}]*outcome="failed_[a-z]+"\} (\d+)', text))
    http5xx = sum(int(n) for n in re.findall(r'prehook_http_errors_total\{status="5\d\d"\} (\d+)', text))
    return failed + http5xx


# --- broken reloads under load --------------------------------------------------------------------

def broken_reload(server, rules, lua):
    good = server.version()
    failures_before = server.metric(r'prehook_rule_reloads_total\{result="failure"\}')
    target = os.path.join(rules, "enrich.json5")
    original = open(target).read()
    broken = [
        ("broken JSON5", "{ rules: [ { id: 'enrich.broken', "),
        ("a pattern that does not compile", "{ rules: [{ id: 'x.bad', kind: 'block', description: 'd', pattern: '(unclosed', "
                                            "reason: 'r', examples: { match: ['x'], noMatch: ['y'] } }] }"),
        ("examples that fail", "{ rules: [{ id: 'x.wrong', kind: 'block', description: 'd', pattern: 'abc', reason: 'r', "
                               "examples: { match: ['xyz'], noMatch: ['abc'] } }] }"),
    ]
    result = {}
    thread = threading.Thread(target=lambda: result.update(wrk(server.url, lua, WRK_SECONDS * 2)))
    thread.start()
    time.sleep(1)
    kept = []
    for label, text in broken:
        with open(target + ".tmp", "w") as f:
            f.write(text)
        os.replace(target + ".tmp", target)  # as an editor or a deploy would
        server.process.send_signal(signal.SIGHUP)
        time.sleep(0.8)                      # SIGHUP and the 200 ms poll both see it
        kept.append(server.version() == good)
    with open(target + ".tmp", "w") as f:
        f.write(original)
    os.replace(target + ".tmp", target)
    server.process.send_signal(signal.SIGHUP)
    time.sleep(0.8)
    thread.join()
    restored = server.version() == good
    counted = server.metric(r'prehook_rule_reloads_total\{result="failure"\}') - failures_before
    bad = five_hundreds(server)
    share = result.get("non2xx", 0) / max(1, result.get("requests", 1))
    ok = all(kept) and restored and counted >= len(broken) and result.get("errors", 1) == 0 and bad == 0 and 0.10 <= share <= 0.20
    report("broken reload", ok,
           f"{', '.join(l for l, _ in broken)} under wrk: last good set kept each time: {all(kept)}; "
           f"{counted} failed reloads counted (at least {len(broken)}: SIGHUP and polling both try); good set back after "
           f"restore: {restored}; wrk {result.get('requests', 0)} requests, {result.get('errors', '?')} socket errors, "
           f"{share:.0%} non-2xx (15% by design), {bad} failed or 5xx answers")


# --- soak -------------------------------------------------------------------------------------------

def soak(server, lua):
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.wait(SAMPLE_SECONDS):
            samples.append(server.rss_kb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    result = wrk(server.url, lua, SOAK_SECONDS, connections=32)
    stop.set()
    sampler.join()
    requests = result.get("requests", 0)
    warm = samples[0] if samples else 0
    growth = (max(samples[1:]) - warm) / warm if len(samples) > 1 and warm else 0.0
    ok = requests >= SOAK_TARGET and len(samples) >= 6 and growth <= 0.05 and result.get("errors", 1) == 0
    report("soak", ok, f"{requests:,} requests in {SOAK_SECONDS} s (target {SOAK_TARGET:,}), {result.get('errors', '?')} socket errors; "
                       f"RSS every {SAMPLE_SECONDS:g} s (MB): {' '.join(f'{s / 1024:.1f}' for s in samples)}; "
                       f"growth after the first sample {growth:+.1%} (allowed +5%)")


# --- descriptors ----------------------------------------------------------------------------------

def storm(server):
    for _ in range(2000):
        try:
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Le")
            s.close()
        except OSError:
            pass
    held = []
    for _ in range(500):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        held.append(s)
    for s in held:
        s.recv(4096)
        s.close()


# --- SIGTERM under load ---------------------------------------------------------------------------

def sigterm(rules):
    server = Server("sigterm", rules)
    lua = os.path.join(work, "sigterm.lua")
    make_lua(server.url, lua)
    params = [("EventType", "onMessageAdd"), ("Body", "half now, half after the signal"), ("Author", "u1"), ("Attributes", "{}")]
    signature = subprocess.run([binary, "sign", "--url", server.url, "--token", TOKEN] + [f"{k}={v}" for k, v in params],
                               check=True, capture_output=True, text=True).stdout.strip()
    body = urllib.parse.urlencode(params).encode()
    head = (f"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    result = {}
    thread = threading.Thread(target=lambda: result.update(wrk(server.url, lua, WRK_SECONDS, connections=32)))
    thread.start()
    time.sleep(1.5)
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(head + body[:10])
    time.sleep(0.2)
    signalled = time.time()
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    refused = False
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    except OSError:
        refused = True
    slow.sendall(body[10:])
    slow.settimeout(3)
    answer = b""
    try:
        while chunk := slow.recv(65536):
            answer += chunk
    except OSError:
        pass
    slow.close()
    try:
        status = server.process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        server.process.kill()
        status = "hung"
    took = time.time() - signalled
    thread.join()
    completed = answer.startswith(b"HTTP/1.1 200") and b"Content-Length" in answer
    first_line = answer.split(b"\r\n")[0].decode() or "nothing"
    ok = completed and refused and status == 0 and took <= 6
    report("sigterm", ok, f"request half sent at SIGTERM answered in full: {completed} ({first_line}); "
                          f"new connection after SIGTERM refused: {refused}; exit {status} after {took:.1f} s; "
                          f"wrk meanwhile: {result.get('requests', 0)} requests, {result.get('errors', '?')} socket errors "
                          f"(connections closed by the stop)")
    return server


# --- run ------------------------------------------------------------------------------------------

rules = os.path.join(work, "Rules")
shutil.copytree(os.path.join(repo, "Rules"), rules)
server = Server("faults", rules, "--reload-poll-ms", "200")
lua = os.path.join(work, "requests.lua")
make_lua(server.url, lua)
http(server.port, "/healthz")
fds_start = server.fds()
print(f"faults ({scale} scale): prehook on 127.0.0.1:{server.port}, {fds_start} file descriptors at start", flush=True)

broken_reload(server, rules, lua)
soak(server, lua)
storm(server)
time.sleep(3)
fds_end = server.fds()
gauge = server.metric(r"prehook_open_connections")
report("descriptors", fds_end == fds_start and gauge <= 1,
       f"{fds_start} at start, {fds_end} after the reloads, the soak and a storm of 2,000 half requests and 500 "
       f"keep-alive connections; open-connections gauge {gauge}")
server.process.send_signal(signal.SIGTERM)
main_status = server.process.wait(timeout=8)

stopped = sigterm(rules)

logs = open(server.log_path, "rb").read() + open(stopped.log_path, "rb").read()
leaks = [n for n in (TOKEN.encode(), b"half now", b"jane.doe", b"Thursday afternoon") if n in logs]
crashed = any(m in logs for m in (b"Fatal error", b"Backtrace", b"Segmentation"))
report("logs", not leaks and not crashed and main_status == 0,
       f"crash text: {crashed}; token or message text: {[l.decode() for l in leaks] or 'none'}; first server's SIGTERM exit {main_status}")

print(f"\nfaults: {'all checks passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
sys.exit(1 if failures else 0)
