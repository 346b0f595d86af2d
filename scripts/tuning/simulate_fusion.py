#!/usr/bin/env python3
"""Offline fusion experiments on LoCoMo-layout data (standard library only).

Re-simulates the engine's ranking (ConsensusRanker z-fusion, ContiguityExpansion's neighbour lending and
session aggregation) from each channel's full ranking, so variants can be swept in seconds instead of
re-running retrieval. The simulation leaves out the temporal channel and the recency step, so its baseline
sits within about 0.02 of `infctx eval locomo`. Tune on the dev file only.

    dotnet run -c Release --project src/InfiniteContext.Cli -- eval locomo ../shared/data/locomo/locomo-dev.json \
        --dump-candidates /tmp/dump.jsonl
    python3 scripts/tuning/simulate_fusion.py /tmp/dump.jsonl ../shared/data/locomo/locomo-dev.json
"""
import collections
import json
import math
import re
import statistics
import sys

KS = (1, 5, 10, 25)


def load(dump_path, data_path):
    questions = [json.loads(line) for line in open(dump_path, encoding="utf-8")]
    order, speaker = {}, {}
    for sample in json.load(open(data_path, encoding="utf-8")):
        conv = sample["conversation"]
        keys = sorted((k for k in conv if re.fullmatch(r"session_\d+", k) and isinstance(conv[k], list)),
                      key=lambda k: int(k.split("_")[1]))
        ids = []
        for k in keys:
            for turn in conv[k]:
                ids.append(turn["dia_id"])
                speaker[(sample["sample_id"], turn["dia_id"])] = turn["speaker"]
        order[sample["sample_id"]] = ids
    return questions, order, speaker


def session(turn_id):
    return turn_id.split(":")[0]


def zscores(ranked, n):
    top = ranked[:n]
    if not top:
        return {}
    values = [s for _, s in top]
    mu, sd = statistics.mean(values), statistics.pstdev(values) + 1e-9
    return {i: (s - mu) / sd for i, s in top}


def rank(q, order, speaker, n=100, agree=0.25, seeds=10, window=2, share=0.4, decay=0.5,
         session_share=0.5, aggregate="max", k2=0.0, temperature=1.0, speaker_boost=0.0):
    lex, den = zscores(q["lexical"], n), zscores(q["dense"], n)
    lfloor = min(lex.values()) if lex else 0.0
    dfloor = min(den.values()) if den else 0.0
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", q["question"])}

    def base(i):
        s = lex.get(i, lfloor) + den.get(i, dfloor) + (agree if i in lex and i in den else 0.0)
        if speaker_boost and speaker.get((q["sample"], i), "").lower() in words:
            s += speaker_boost
        return s

    ids = order[q["sample"]]
    pos = {i: k for k, i in enumerate(ids)}
    scores = {i: base(i) for i in set(lex) | set(den)}
    lifted = dict(scores)
    for seed in sorted(scores, key=lambda i: -scores[i])[:seeds]:
        for d in range(1, window + 1):
            for j in (pos[seed] - d, pos[seed] + d):
                if 0 <= j < len(ids) and session(ids[j]) == session(seed):
                    own = scores.get(ids[j], base(ids[j]))
                    if scores[seed] > own:
                        lifted[ids[j]] = max(lifted.get(ids[j], own), own + share * decay ** (d - 1) * (scores[seed] - own))
    groups = collections.defaultdict(list)
    for i, v in lifted.items():
        groups[session(i)].append(v)
    floor = lfloor + dfloor
    best = {}
    for g, vs in groups.items():
        vs.sort(reverse=True)
        if aggregate == "max":
            best[g] = vs[0]
        elif aggregate == "max2":
            best[g] = vs[0] + k2 * ((vs[1] - floor) if len(vs) > 1 else 0.0)
        elif aggregate == "lse":
            best[g] = vs[0] + temperature * math.log(sum(math.exp((v - vs[0]) / temperature) for v in vs))
    final = {i: v + session_share * best[session(i)] for i, v in lifted.items()}
    return sorted(final, key=lambda i: (-final[i], -pos[i]))


def evaluate(questions, order, ranker):
    totals = collections.defaultdict(lambda: [0.0] * 6)
    for q in questions:
        evidence = {e for e in q["evidence"] if e in set(order[q["sample"]])}
        if not evidence:
            continue
        ranked = ranker(q)
        sessions = {session(e) for e in evidence}
        for key in (q["category"], "overall"):
            row = totals[key]
            for k_index, k in enumerate(KS):
                row[k_index] += len(set(ranked[:k]) & evidence) / len(evidence)
            row[4] += 1.0 if ranked and session(ranked[0]) in sessions else 0.0
            row[5] += 1
    o = totals["overall"]
    return {f"R@{k}": o[i] / o[5] for i, k in enumerate(KS)} | {"S@1": o[4] / o[5]}


def main():
    questions, order, speaker = load(sys.argv[1], sys.argv[2])
    variants = [("baseline (the engine's defaults)", {})]
    variants += [(f"session = best + {k2} x second, share {s}", {"aggregate": "max2", "k2": k2, "session_share": s})
                 for s in (0.5, 1.0) for k2 in (0.1, 0.2, 0.4)]
    variants += [(f"session = log-sum-exp, T {t}", {"aggregate": "lse", "temperature": t}) for t in (0.3, 0.6, 1.0)]
    variants += [(f"session share {s}", {"session_share": s}) for s in (0.75, 1.0, 1.5)]
    variants += [(f"speaker boost {b}", {"speaker_boost": b}) for b in (0.25, 0.5, 1.0)]
    variants += [(f"expansion seeds {n}", {"seeds": n}) for n in (20, 40)]
    print("| variant | R@1 | R@5 | R@10 | R@25 | session Hit@1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, params in variants:
        m = evaluate(questions, order, lambda q, p=params: rank(q, order, speaker, **p))
        print(f"| {name} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['R@25']:.3f} | {m['S@1']:.3f} |")


if __name__ == "__main__":
    main()
