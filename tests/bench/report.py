#!/usr/bin/env python3
"""make bench, last step: turn the raw measurements in OUTDIR into the report.

Reads (all optional but the guest's, each written by tests/bench/run.sh):
  OUTDIR/machine/noop-*.json          spawn-stats runs of calls with nothing to do, here
  OUTDIR/plan-scale.json              tests/bench/plan-scale.sh
  OUTDIR/e2e/artifacts/handoff/       the guest: calls.jsonl (libvirt's calls, timed from
                                      fork to reap), trace.json (the hook's own spans),
                                      noop-*.json
Writes OUTDIR/bench.json (everything below, machine-readable), OUTDIR/timeline.svg (the
median prepare and release, span by span) and prints the tables. Exits 1 when a target is
missed or the guest's data is missing.
"""
import json
import os
import statistics
import sys
from html import escape

WAITS = ["systemd", "journald", "kernel", "processes", "lock"]
COLORS = {"systemd": "#4e79a7", "journald": "#76b7b2", "kernel": "#f28e2b",
          "processes": "#59a14f", "lock": "#bab0ac", "own": "#e15759"}
OWN_TARGET = 0.05           # our overhead, share of prepare and release wall time
NOOP_WALL_US = 2000         # a call with nothing to do, on the machine itself
NOOP_RSS_KIB = 4096


def load_json(path):
    with open(path) as f:
        return json.load(f)


def load_docs(path):
    """The trace file: one JSON document per hook call, back to back."""
    dec = json.JSONDecoder()
    with open(path) as f:
        text = f.read()
    docs, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.append(doc["spans"])


def med(xs):
    return statistics.median(xs) if xs else 0


def noop_summary(path):
    d = load_json(path)
    return {"runs": d["runs"], "wall_us_median": med(d["wall_us"]),
            "wall_us_min": min(d["wall_us"]), "wall_us_max": max(d["wall_us"]),
            "cpu_us_median": med(d["cpu_us"]), "maxrss_kib_max": max(d["maxrss_kib"]),
            "exits": sorted(set(d["exit"]))}


def span_label(s):
    return s["stage"] if s["kind"] == "action" else s["name"]


def analyse_call(record, spans):
    """One hook call: libvirt's wall time, split into waits by kind and our own time."""
    waits = {k: sum(s[k + "_us"] for s in spans) for k in WAITS}
    inside = max((s["start_us"] + s["wall_us"] for s in spans), default=0)
    wall = record["wall_us"]
    own = max(wall - sum(waits.values()), 0)
    stages = {}
    for s in spans:
        st = stages.setdefault(span_label(s), {"kind": s["kind"], "wall_us": 0, "cpu_us": 0,
                                               **{k + "_us": 0 for k in WAITS}})
        st["wall_us"] += s["wall_us"]
        st["cpu_us"] += s["cpu_us"]
        for k in WAITS:
            st[k + "_us"] += s[k + "_us"]
    for st in stages.values():
        st["own_us"] = max(st["wall_us"] - sum(st[k + "_us"] for k in WAITS), 0)
    # What main() never sees: exec, the dynamic loader, and process exit.
    stages["exec, loader, exit"] = {"kind": "process", "wall_us": max(wall - inside, 0),
                                    "cpu_us": max(record["cpu_us"] - sum(s["cpu_us"] for s in spans), 0),
                                    **{k + "_us": 0 for k in WAITS},
                                    "own_us": max(wall - inside, 0)}
    return {"wall_us": wall, "cpu_us": record["cpu_us"], "maxrss_kib": record["maxrss_kib"],
            "inside_us": inside, **{k + "_us": v for k, v in waits.items()}, "own_us": own,
            "own_share": own / wall if wall else 0, "stages": stages, "spans": spans}


def summarise(calls):
    out = {"cycles": len(calls)}
    for key in ["wall_us", "cpu_us", "maxrss_kib", "own_us", "own_share"] + [k + "_us" for k in WAITS]:
        xs = [c[key] for c in calls]
        out[key] = {"median": med(xs), "min": min(xs), "max": max(xs)}
    order = list(calls[0]["stages"].keys())
    out["stages"] = []
    for name in order:
        row = {"stage": name, "kind": calls[0]["stages"][name]["kind"]}
        for key in ["wall_us", "cpu_us", "own_us"] + [k + "_us" for k in WAITS]:
            row[key] = med([c["stages"].get(name, {}).get(key, 0) for c in calls])
        out["stages"].append(row)
    return out


def ms(us):
    return f"{us / 1000:.1f}"


def print_table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    for i, row in enumerate([headers] + rows):
        print("  ".join(str(x).rjust(w) if j else str(x).ljust(w)
                        for j, (x, w) in enumerate(zip(row, widths))).rstrip())


def svg_timeline(panels, path):
    """Gantt chart: a row per span, its bar split by what the span waited on."""
    W, left, row_h, top = 1100, 300, 16, 40
    parts, y = [], top
    for title, call in panels:
        total = call["wall_us"]
        scale = (W - left - 20) / total if total else 1
        parts.append(f'<text x="10" y="{y}" font-weight="bold">{escape(title)}: '
                     f'{total / 1e6:.3f} s as libvirt sees it, vfio-hook itself '
                     f'{call["own_share"] * 100:.1f} %</text>')
        y += 8
        spans = call["spans"] + [{"kind": "process", "name": "exec, loader, exit", "stage": None,
                                  "target": None, "start_us": call["inside_us"],
                                  "wall_us": call["stages"]["exec, loader, exit"]["wall_us"],
                                  **{k + "_us": 0 for k in WAITS}}]
        for s in spans:
            label = span_label(s) + (f" {s['name']} {s['target']}" if s["kind"] == "action" else "")
            x0 = left + s["start_us"] * scale
            parts.append(f'<text x="10" y="{y + 12}" font-size="11">{escape(label[:48])}</text>')
            parts.append(f'<rect x="{left}" y="{y + 2}" width="{W - left - 20}" height="{row_h - 4}" '
                         f'fill="#f4f4f4"/>')
            x = x0
            segs = [(k, s[k + "_us"]) for k in WAITS]
            segs.append(("own", max(s["wall_us"] - sum(v for _, v in segs), 0)))
            for k, v in segs:
                if v <= 0:
                    continue
                w = max(v * scale, 0.5)
                parts.append(f'<rect x="{x:.2f}" y="{y + 2}" width="{w:.2f}" height="{row_h - 4}" '
                             f'fill="{COLORS[k]}"><title>{escape(label)}: {k} {v / 1000:.1f} ms'
                             f'</title></rect>')
                x += w
            parts.append(f'<text x="{min(x + 4, W - 60):.1f}" y="{y + 12}" font-size="10" '
                         f'fill="#555">{s["wall_us"] / 1000:.1f} ms</text>')
            y += row_h
        # time axis
        for i in range(6):
            t = total * i / 5
            xx = left + t * scale
            parts.append(f'<line x1="{xx:.1f}" y1="{y}" x2="{xx:.1f}" y2="{y + 4}" stroke="#333"/>')
            parts.append(f'<text x="{xx:.1f}" y="{y + 16}" font-size="10" text-anchor="middle">'
                         f'{t / 1e6:.2f} s</text>')
        y += 40
    lx = 10
    for k in WAITS + ["own"]:
        parts.append(f'<rect x="{lx}" y="{y}" width="12" height="12" fill="{COLORS[k]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{y + 11}" font-size="11">'
                     f'{"vfio-hook itself" if k == "own" else "waiting on " + k}</text>')
        lx += 175
    y += 30
    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{y}" '
                f'font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(parts))
        f.write("\n</svg>\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py OUTDIR")
    out = sys.argv[1]
    guest = os.path.join(out, "e2e", "artifacts", "handoff")
    result, missed = {}, []

    # --- the handoff in the guest ----------------------------------------------------
    with open(os.path.join(guest, "calls.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    docs = load_docs(os.path.join(guest, "trace.json"))
    # Records and traces come in the same order: the hook writes its trace before it exits,
    # the timer its record after.
    if len(docs) != len(records):
        sys.exit(f"report.py: {len(records)} calls but {len(docs)} traces")
    calls = {}
    for rec, spans in zip(records, docs):
        op = "/".join(rec["args"][1:3])
        calls.setdefault(op, []).append(analyse_call(rec, spans))
    guest_info = {k: open(os.path.join(guest, k)).read().strip()
                  for k in ("kernel", "cpus") if os.path.exists(os.path.join(guest, k))}
    result["guest"] = guest_info
    result["calls"] = {op: summarise(cs) for op, cs in calls.items()}

    print(f"== The handoff in the real-kernel guest (kernel {guest_info.get('kernel', '?')}, "
          f"{guest_info.get('cpus', '?')} vCPUs under TCG), "
          f"{result['calls'].get('prepare/begin', {}).get('cycles', 0)} virsh start/destroy cycles")
    print("   wall time as libvirt sees it (fork to exit of the hook), in ms\n")
    rows = []
    for op in ["prepare/begin", "start/begin", "started/begin", "stopped/end", "release/end"]:
        if op not in result["calls"]:
            continue
        s = result["calls"][op]
        rows.append([op, ms(s["wall_us"]["median"]), ms(s["wall_us"]["min"]), ms(s["wall_us"]["max"])]
                    + [ms(s[k + "_us"]["median"]) for k in WAITS]
                    + [ms(s["own_us"]["median"]), f"{s['own_share']['median'] * 100:.1f} %",
                       f"{s['maxrss_kib']['median'] / 1024:.1f}"])
    print_table(["call", "median", "min", "max"] + WAITS + ["own", "own share", "RSS MiB"], rows)
    for op in ["prepare/begin", "release/end"]:
        if op not in result["calls"]:
            missed.append(f"no {op} calls measured")
            continue
        share = result["calls"][op]["own_share"]["median"]
        if share >= OWN_TARGET:
            missed.append(f"{op}: own overhead {share * 100:.1f} % (target < {OWN_TARGET * 100:.0f} %)")

    for op in ["prepare/begin", "release/end"]:
        if op not in result["calls"]:
            continue
        print(f"\n-- {op}, per stage (medians over the cycles, ms)\n")
        rows = []
        for st in result["calls"][op]["stages"]:
            rows.append([st["stage"], ms(st["wall_us"])] + [ms(st[k + "_us"]) for k in WAITS]
                        + [ms(st["own_us"]), ms(st["cpu_us"])])
        print_table(["stage / phase", "wall"] + WAITS + ["own", "CPU"], rows)

    # --- calls with nothing to do ---------------------------------------------------------
    print("\n== Calls with nothing to do (median wall, max peak RSS)\n")
    result["noop"] = {}
    rows = []
    for where, d in [("machine", os.path.join(out, "machine")), ("guest", guest)]:
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if not (fn.startswith("noop-") and fn.endswith(".json")):
                continue
            name = fn[len("noop-"):-len(".json")]
            s = noop_summary(os.path.join(d, fn))
            result["noop"].setdefault(where, {})[name] = s
            verdict = ""
            if where == "machine":
                ok = s["wall_us_median"] < NOOP_WALL_US and s["maxrss_kib_max"] < NOOP_RSS_KIB
                verdict = "met" if ok else "MISSED"
                if not ok:
                    missed.append(f"no-op {name} on the machine: {ms(s['wall_us_median'])} ms, "
                                  f"{s['maxrss_kib_max'] / 1024:.2f} MiB (target < 2 ms, < 4 MiB)")
            rows.append([where, name, s["runs"], f"{s['wall_us_median'] / 1000:.2f}",
                         f"{s['wall_us_min'] / 1000:.2f}", f"{s['maxrss_kib_max'] / 1024:.2f}", verdict])
    print_table(["where", "call", "runs", "wall ms", "min ms", "RSS MiB", "< 2 ms, < 4 MiB"], rows)

    # --- planning scale ---------------------------------------------------------------------
    ps = os.path.join(out, "plan-scale.json")
    if os.path.exists(ps):
        result["plan_scale"] = load_json(ps)
        print("\n== Planning alone (--dry-run), as the host or the domain grows\n")
        rows = []
        for s in result["plan_scale"]["series"]:
            pts = " ".join(f"{p['x']}:{ms(p['wall_us'])}" for p in s["points"])
            rows.append([s["name"], pts, f"{s['slope_us_per_x']:.1f}", f"{s['r2']:.3f}",
                         f"{s['ratio_last_first']:.2f}"])
        print_table(["series", "x: ms", "µs per x", "R²", "last/first"], rows)

    # --- the picture and the file -----------------------------------------------------------
    panels = []
    for op in ["prepare/begin", "release/end"]:
        if op in calls:
            cs = sorted(calls[op], key=lambda c: c["wall_us"])
            panels.append((f"{op}, the cycle of median wall time of {len(cs)}", cs[len(cs) // 2]))
    if panels:
        svg_timeline(panels, os.path.join(out, "timeline.svg"))
    for cs in calls.values():
        for c in cs:
            c.pop("spans", None)
    result["cycles_raw"] = calls
    result["missed"] = missed
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump(result, f, indent=1)

    # Writing the trace is the benchmark's, not the hook's: a start/begin with a trace (libvirt's
    # calls, wrapped) against the same call without one (the no-op runs) says what it costs.
    trace_cost = None
    g = result["noop"].get("guest", {}).get("start-begin")
    if g and "start/begin" in result["calls"]:
        trace_cost = max(result["calls"]["start/begin"]["wall_us"]["median"] - g["wall_us_median"], 0)
        result["trace_cost_us"] = trace_cost

    print("\n== Where the time goes\n")
    for op in ["prepare/begin", "release/end"]:
        if op not in result["calls"]:
            continue
        s = result["calls"][op]
        wall = s["wall_us"]["median"]
        parts = [f"{k} {s[k + '_us']['median'] / wall * 100:.0f} %" for k in WAITS
                 if s[k + "_us"]["median"] > 0]
        top = max(s["stages"], key=lambda st: st["wall_us"])
        print(f"{op}: {wall / 1e6:.3f} s; waiting: {', '.join(parts)}; vfio-hook itself "
              f"{s['own_share']['median'] * 100:.1f} %. Longest: {top['stage']} "
              f"({top['wall_us'] / 1e6:.3f} s).")
        if trace_cost:
            own = s["own_us"]["median"] - trace_cost
            print(f"  of which about {trace_cost / 1000:.1f} ms is writing the benchmark's trace "
                  f"(start/begin with and without one): without it, vfio-hook itself is "
                  f"{own / (wall - trace_cost) * 100:.1f} %.")
    print(f"\nbench.json and timeline.svg in {out}")
    if missed:
        print("\nTargets missed:\n  " + "\n  ".join(missed))
        return 1
    print("\nEvery target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
