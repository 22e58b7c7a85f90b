"""Hostile clients against a live `prehook serve` on loopback (Python standard library only).

usage: hostile.py PREHOOK_BINARY SCALE WORKDIR      (SCALE: full or small)

Checks, one line each (PASS/FAIL and the figures):
  slowloris      N connections dribbling a request head a byte a second (re-opened when cut) while
                 wrk runs signed requests: wrk's p99 within 2x of a clean run (3x small), no socket errors, and
                 the slow connections cut at the header timeout
  oversized      a 20 KB header (431), a 20 KB request line (414), 150 headers (431), a 300 KB
                 Content-Length (413 before the body is sent); each answered once, then closed
  false length   Content-Length: 100, then 10 MB: one answer for the 100 bytes, 4xx for the rest,
                 closed; the server's RSS stays small and it stays healthy
  smuggling      Content-Length with Transfer-Encoding, two Content-Lengths, chunked alone, obs-fold,
                 bare LF, malformed lengths, a space before the colon: one 4xx/5xx answer each, then
                 closed, and the request hidden in the body is never answered
  garbage        a valid request then garbage in one write: 200, then 400, then closed
  flood          past --max-connections: refused cleanly (503 or close), the server stays up and its
                 open-connections gauge returns to ~0; then 2,000 connect/close cycles
  aftermath      the server is alive, its log has no crash, no token and no message text; SIGTERM
                 exits 0
Exit status 1 when a check fails.
"""
import os
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

binary, scale, work = sys.argv[1], sys.argv[2], sys.argv[3]
small = scale == "small"
SLOW = 100 if small else 1000            # slowloris connections
TIMEOUT_MS = 2000 if small else 5000     # --header-timeout-ms
WRK_SECONDS = 4 if small else 10
TOKEN = "hostile-token-" + os.urandom(6).hex()
SECRET_WORD = "zanzibar-marmalade"       # message text that must never reach the log
failures = []

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))  # children (the server, wrk) inherit it


def report(name, ok, figures):
    print(f"{'PASS' if ok else 'FAIL'}  {name:<14} {figures}", flush=True)
    if not ok:
        failures.append(name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, *extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.log_path = os.path.join(work, f"{name}.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, TWILIO_AUTH_TOKEN=TOKEN)
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port), "--public-url", self.url,
                                         "--header-timeout-ms", str(TIMEOUT_MS), *extra],
                                        stdout=subprocess.DEVNULL, stderr=self.log, env=env)
        for _ in range(100):
            if self.health() == 200:
                return
            time.sleep(0.05)
        raise SystemExit(f"{name} did not start; log: {open(self.log_path).read()}")

    def health(self):
        try:
            return exchange(self.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[0][:1] == [200] and 200
        except OSError:
            return None

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024

    def metric(self, name):
        _, body, _ = exchange(self.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", want_body=True)
        m = re.search(rf"^{name} (\d+)", body.decode(), re.M)
        return int(m.group(1)) if m else None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return "hung"


def exchange(port, data, wait=3.0, want_body=False):
    """Sends `data`, reads until the server closes (or `wait` passes). Returns (statuses of the
    responses seen, the raw bytes, whether the server closed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    received = b""
    closed = False
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        deadline = time.time() + wait
        while time.time() < deadline:
            s.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    finally:
        s.close()
    statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]
    return statuses, received, closed


def wrk(url, lua, seconds):
    out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", lua, url], capture_output=True, text=True).stdout
    line = next((l for l in out.splitlines() if l.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk printed no RESULT line:\n{out}")
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


# --- slowloris under load -------------------------------------------------------------------------

def slowloris(server, lua):
    clean = wrk(server.url, lua, WRK_SECONDS)
    head = (b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"X-Slow: " + b"s" * 200 + b"\r\n\r\n")
    selector = selectors.DefaultSelector()
    slots = {}  # socket -> dict(sent, first, generation)
    cuts = []   # (seconds from connect to close, answered 408) for first-generation connections
    stop = threading.Event()
    opened = 0

    def open_one(generation):
        nonlocal opened
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", server.port))
        slots[s] = {"sent": 0, "first": None, "opened": time.time(), "generation": generation, "got": b""}
        selector.register(s, selectors.EVENT_READ)
        opened += 1

    for _ in range(SLOW):
        open_one(0)
    time.sleep(0.5)

    def dribble():
        next_tick = time.time()
        while not stop.is_set():
            now = time.time()
            if now >= next_tick:
                next_tick = now + 1.0
                for s, slot in list(slots.items()):
                    try:
                        s.send(head[slot["sent"]:slot["sent"] + 1])
                        if slot["first"] is None:
                            slot["first"] = now
                        slot["sent"] = (slot["sent"] + 1) % len(head)
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        pass  # closed by the server: the read side notices
            for key, _ in selector.select(timeout=0.05):
                s = key.fileobj
                slot = slots[s]
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    slot["got"] += data
                    continue
                if slot["generation"] == 0:
                    # The timeout runs from the connection's start (a request must arrive whole within it).
                    cuts.append((time.time() - slot["opened"], slot["got"].startswith(b"HTTP/1.1 408")))
                selector.unregister(s)
                s.close()
                del slots[s]
                open_one(slot["generation"] + 1)  # the attacker comes back

    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    time.sleep(1.5)
    loaded = wrk(server.url, lua, WRK_SECONDS)
    open_during = len(slots)
    # Let every first-generation connection reach the timeout.
    time.sleep(max(0, TIMEOUT_MS / 1000 + 3 - (WRK_SECONDS + 1.5)))
    stop.set()
    thread.join()
    for s in list(slots):
        s.close()

    # The bound is 2x a clean run. CI's small runs are 4 s on a shared machine whose p99
    # moves by up to 2x from minute to minute: there the bound is 3x, so CI fails on a real
    # regression, not on noise. Both have a 0.5 ms floor.
    factor = 3 if small else 2
    allowed = factor * max(clean["p99"], 500)
    in_window = [c for c, _ in cuts if TIMEOUT_MS / 1000 - 0.5 <= c <= TIMEOUT_MS / 1000 + 2.5]
    answered = sum(1 for _, a in cuts if a)
    share = loaded["non2xx"] / max(1, loaded["requests"])
    ok = (loaded["p99"] <= allowed and loaded["errors"] == 0 and 0.10 <= share <= 0.20
          and len(cuts) == SLOW and len(in_window) == SLOW)
    report("slowloris", ok,
           f"{SLOW} slow connections ({opened} opened in all, {open_during} open while wrk ran); "
           f"wrk p99 clean {clean['p99']} us, under attack {loaded['p99']} us (allowed {allowed} us: {factor}x, floor 0.5 ms), "
           f"{loaded['requests']} requests, {loaded['errors']} socket errors, {share:.0%} non-2xx (15% by design); "
           f"first-generation cut {min((c for c, _ in cuts), default=0):.2f}-{max((c for c, _ in cuts), default=0):.2f} s after connecting "
           f"(timeout {TIMEOUT_MS / 1000:.1f} s; {len(in_window)}/{SLOW} in the window, {answered} answered 408 first)")


# --- single hostile requests ----------------------------------------------------------------------

def expect_one(name, data, allowed, label):
    statuses, _, closed = exchange(server.port, data)
    ok = len(statuses) == 1 and statuses[0] in allowed and closed
    return ok, f"{label}: {statuses} {'closed' if closed else 'LEFT OPEN'}"


def oversized():
    results = [
        expect_one("header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", {431}, "20 KB header"),
        expect_one("target", b"GET /healthz?" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414}, "20 KB request line"),
        expect_one("count", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n",
                   {431}, "150 headers"),
    ]
    # 413 must come before the body is sent: send only the head.
    statuses, _, closed = exchange(server.port, b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n", wait=2)
    results.append((statuses == [413] and closed, f"Content-Length 300000, no body sent: {statuses} {'closed' if closed else 'LEFT OPEN'}"))
    report("oversized", all(ok for ok, _ in results), "; ".join(text for _, text in results))


def false_length():
    body = b"EventType=onMessageAdd&Body=" + SECRET_WORD.encode() + b"&x="
    body += b"y" * (100 - len(body))
    head = b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", server.port))
    s.settimeout(5)
    sent = 0
    chunk = b"Z" * 65536
    try:
        s.sendall(head + body)
        while sent < 10 * 1024 * 1024:
            sent += s.send(chunk)
    except OSError:
        pass  # the server closed on the garbage: expected
    received = b""
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            received += data
    except OSError:
        pass
    s.close()
    statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]
    rss = server.rss_mb()
    healthy = server.health() == 200
    # The rest is one endless line of Z: refused as a request line too long (414), or as bad (400).
    ok = statuses[:1] == [403] and statuses[1:] in ([400], [414], [431], []) and rss < 60 and healthy
    report("false length", ok, f"sent {sent / 1048576:.1f} MB after a 100-byte body before the server stopped reading; "
                               f"answers {statuses} (403: the unsigned 100 bytes; then 400/414 for the rest, or a close); RSS {rss:.1f} MB; "
                               f"healthy after: {healthy}")


def smuggling():
    hidden = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    cases = [
        ("CL+TE", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % (5 + len(hidden)) + hidden),
        ("TE+CL", b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + hidden),
        ("TE alone", b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden),
        ("CL twice, same", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde" + hidden),
        ("CL twice, differ", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(hidden) + hidden),
        ("CL list", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nabcde" + hidden),
        ("CL -1", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + hidden),
        ("CL +5", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nabcde" + hidden),
        ("CL 0x5", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nabcde" + hidden),
        ("space before colon", b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nabcde" + hidden),
        ("obs-fold", b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n Content-Length: 5\r\n\r\nabcde" + hidden),
        ("bare LF", b"POST /webhook HTTP/1.1\nHost: x\nContent-Length: 5\n\nabcde" + hidden),
        ("NUL in header", b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nContent-Length: 5\r\n\r\nabcde" + hidden),
    ]
    results = []
    for label, data in cases:
        statuses, _, closed = exchange(server.port, data)
        ok = len(statuses) == 1 and 400 <= statuses[0] <= 599 and closed
        results.append((ok, f"{label} {statuses}{'' if closed else ' LEFT OPEN'}"))
    report("smuggling", all(ok for ok, _ in results),
           "one error answer each, then closed, hidden request never answered: " + "; ".join(t for _, t in results))


def garbage():
    statuses, _, closed = exchange(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n")
    report("garbage", statuses == [200, 400] and closed, f"valid request + garbage in one write: {statuses}, {'closed' if closed else 'LEFT OPEN'}")


def flood():
    limited = Server("flood", "--max-connections", "50", "--no-request-log")
    held = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", limited.port))
        s.sendall(b"GET /healthz HTTP/1.1\r\n")  # a head that never ends
        held.append(s)
    time.sleep(1.0)
    refused_503 = refused_closed = accepted = 0
    for s in held:
        s.setblocking(False)
        try:
            data = s.recv(4096)
            if data.startswith(b"HTTP/1.1 503"):
                refused_503 += 1
            elif not data:
                refused_closed += 1
            else:
                accepted += 1
        except BlockingIOError:
            accepted += 1  # still open, waiting for the rest of its head
        except OSError:
            refused_closed += 1
    for s in held:
        s.close()
    time.sleep(0.5)
    healthy_after = limited.health() == 200
    gauge = limited.metric("prehook_open_connections")
    cycles_failed = 0
    for _ in range(2000):
        try:
            socket.create_connection(("127.0.0.1", limited.port)).close()
        except OSError:
            cycles_failed += 1
    time.sleep(0.5)
    healthy_end = limited.health() == 200
    status = limited.stop()
    ok = (accepted <= 50 and refused_503 + refused_closed >= 150 and healthy_after and gauge is not None and gauge <= 1
          and healthy_end and status == 0)
    report("flood", ok, f"200 connections, limit 50: {accepted} held open, {refused_503} refused with 503, {refused_closed} closed "
                        f"without an answer; healthy after: {healthy_after}, open connections gauge {gauge}; 2,000 connect/close "
                        f"cycles ({cycles_failed} failed to connect), healthy: {healthy_end}; SIGTERM exit {status}")


# --- run ------------------------------------------------------------------------------------------

server = Server("hostile", "--max-connections", str(SLOW * 3 + 500))
lua = os.path.join(work, "requests.lua")
subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks", "load", "make_requests.py"),
                binary, server.url, TOKEN, lua], check=True, stdout=subprocess.DEVNULL)
print(f"hostile clients ({scale} scale): prehook on 127.0.0.1:{server.port}, header timeout {TIMEOUT_MS} ms", flush=True)

slowloris(server, lua)
oversized()
false_length()
smuggling()
garbage()
flood()

alive = server.process.poll() is None
status = server.stop()
log = open(server.log_path, "rb").read()
leaks = [needle for needle in (TOKEN.encode(), SECRET_WORD.encode(), b"jane.doe", b"Thursday afternoon") if needle in log]
crashed = any(marker in log for marker in (b"Fatal error", b"Backtrace", b"Segmentation"))
report("aftermath", alive and status == 0 and not leaks and not crashed,
       f"server alive after all checks: {alive}; SIGTERM exit {status}; crash text in log: {crashed}; "
       f"token or message text in log: {[l.decode() for l in leaks] or 'none'}")

print(f"\nhostile clients: {'all checks passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
sys.exit(1 if failures else 0)
