"""Prints the load benchmark's table from its runs file: one line per wrk run,
`server conns round rps=.. p50=.. p99=.. p999=.. non2xx=.. errors=.. requests=.. cpu=<ticks>`.

usage: summarize.py RUNS CLK_TCK

Each figure is the median over the rounds of that server and connection count; the ratio is the
median of prehook's req/s over nginx's within each round (so both come from the same minutes of
the machine), with the lowest and highest round in brackets.
"""
import statistics
import sys

runs_path, ticks_per_second = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(runs_path):
    server, conns, rnd, *fields = line.split()
    values = dict(f.split("=") for f in fields)
    values = {k: int(v) for k, v in values.items()}
    runs.setdefault((server, int(conns)), {})[int(rnd)] = values


def us(v):
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.0f} us"


def median(server, conns, key):
    return statistics.median(r[key] for r in runs[(server, conns)].values())


print(f"\n{'server':<13} {'conns':>5} {'req/s':>9} {'p50':>9} {'p99':>9} {'p99.9':>9} {'non-2xx':>8} {'errors':>6}"
      f" {'ratio to nginx':>19} {'cpu/request':>11}")
for conns in sorted({c for _, c in runs}):
    for server in ("prehook", "prehook-core", "nginx"):
        if (server, conns) not in runs:
            continue
        rounds = runs[(server, conns)]
        ratio = ""
        if server != "nginx" and ("nginx", conns) in runs:
            ratios = [rounds[r]["rps"] / runs[("nginx", conns)][r]["rps"] for r in rounds if r in runs[("nginx", conns)]]
            ratio = f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
        cpu = statistics.median(r["cpu"] * 1e6 / ticks_per_second / r["requests"] for r in rounds.values() if r["requests"])
        print(f"{server:<13} {conns:>5} {median(server, conns, 'rps'):>9.0f} {us(median(server, conns, 'p50')):>9}"
              f" {us(median(server, conns, 'p99')):>9} {us(median(server, conns, 'p999')):>9}"
              f" {100 * sum(r['non2xx'] for r in rounds.values()) / max(1, sum(r['requests'] for r in rounds.values())):>7.1f}%"
              f" {sum(r['errors'] for r in rounds.values()):>6}"
              f" {ratio:>19} {cpu:>8.1f} us")
