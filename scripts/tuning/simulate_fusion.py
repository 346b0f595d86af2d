#!/usr/bin/env python3
"""Offline ranking experiments on LoCoMo-layout data (standard library only).

Re-simulates the engine's ranking from each channel's raw ranking: ConsensusRanker's z-fusion (lexical, dense,
temporal), EntryPrior (content, speaker and question), ContiguityExpansion's neighbour lending and session aggregation,
EpisodeLead. It leaves out only RecencyPreference (current-state questions); on the dev file its numbers are the
engine's to the third decimal. Tune on the dev file only; every fitted setting is also scored leave-one-conversation-out.

    dotnet run -c Release --project src/InfiniteContext.Cli -- eval locomo ../shared/data/locomo/locomo-dev.json \
        --store /tmp/ev --dump-candidates /tmp/dump.jsonl
    python3 scripts/tuning/simulate_fusion.py /tmp/dump.jsonl            # the sweep tables of BENCHMARKS.md
    python3 scripts/tuning/simulate_fusion.py /tmp/dump.jsonl --cv       # leave-one-conversation-out of the chosen grid
    python3 scripts/tuning/simulate_fusion.py /tmp/dump.jsonl --misses   # the default's misses, question by question
    python3 scripts/tuning/simulate_fusion.py /tmp/dump.jsonl --calibrate  # refit ConfidenceModel, reliability table

The dump carries each turn's and question's analyzed terms, so the lexical channel can be re-scored with other BM25
parameters (variants and grid points with a "bm25": (k1, b) key).
"""
import collections
import json
import math
import re
import statistics
import sys

KS = (1, 5, 10, 25)
CATEGORIES = {1: "MultiHop", 2: "Temporal", 3: "OpenDomain", 4: "SingleHop", 5: "Adversarial"}

# RetrievalOptions' defaults, by the engine's names.
DEFAULTS = dict(
    candidates=100, lexical_weight=1.0, dense_weight=1.0, temporal_weight=1.0, agreement=0.25,
    expansion=True, seeds=10, window=2, neighbour_share=0.4,
    content_prior=0.6, speaker_prior=0.25, question_prior=0.5, session_share=0.5,
    lead_sessions=5, lead_second=0.4, lead_votes=0.2, lead_depth=10,
)


class Turn:
    __slots__ = ("sample", "id", "seq", "session", "speaker", "tokens", "text", "index", "question", "terms")

    def __init__(self, d, index):
        self.sample, self.id, self.seq, self.session = d["sample"], d["id"], d["seq"], d["session"]
        self.speaker, self.tokens, self.text, self.index = d.get("speaker") or "", d["tokens"], d["text"], index
        self.question = is_question(d["text"], d.get("speaker"))
        self.terms = d.get("terms")


def is_question(text, speaker=None):
    """EntryPrior.IsQuestion: the entry's own text (the speaker prefix and one trailing bracketed annotation, such
    as a photo caption, left out) ends in '?'."""
    if speaker and text.startswith(speaker + ": "):
        text = text[len(speaker) + 2:]
    text = text.rstrip()
    if text.endswith("]") and "[" in text:
        text = text[:text.rindex("[")].rstrip()
    return text.endswith("?")


def load(dump_path):
    turns, questions = {}, []
    by_sample = collections.defaultdict(list)
    for line in open(dump_path, encoding="utf-8"):
        d = json.loads(line)
        if d["kind"] == "turn":
            t = Turn(d, len(by_sample[d["sample"]]))
            by_sample[d["sample"]].append(t)
            turns[(d["sample"], d["id"])] = t
        else:
            questions.append(d)
    return turns, by_sample, questions


class Bm25:
    """The lexical channel re-scored from the dump's analyzed terms with other BM25 parameters: the engine's formula
    (Bm25.cs: idf log(1 + (N - df + 0.5) / (df + 0.5)) x query-term count x (k1 + 1), statistics over the question's
    conversation), so at the engine's own k1 and b it gives the dumped scores. The temporal channel keeps its dumped
    scores (its statistics depend on the time range)."""

    def __init__(self, conv):
        self.ids = [t.id for t in conv]
        self.tf = [collections.Counter(t.terms) for t in conv]
        self.length = [len(t.terms) for t in conv]
        self.avgdl = max(1.0, sum(self.length) / max(1, len(conv)))
        self.postings = collections.defaultdict(list)
        for j, c in enumerate(self.tf):
            for term, f in c.items():
                self.postings[term].append((j, f))

    def search(self, terms, k1, b):
        scores = collections.defaultdict(float)
        n = len(self.ids)
        for term, count in collections.Counter(terms).items():
            plist = self.postings.get(term)
            if not plist:
                continue
            w = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5)) * count * (k1 + 1)
            for j, f in plist:
                scores[j] += w * f / (f + k1 * (1 - b + b * self.length[j] / self.avgdl))
        return sorted(([self.ids[j], s] for j, s in scores.items()), key=lambda x: -x[1])


def rescore_lexical(questions, by_sample, k1, b):
    """The questions with their lexical channel re-scored at (k1, b); needs a dump with analyzed terms."""
    indexes = {s: Bm25(conv) for s, conv in by_sample.items()}
    return [dict(q, lexical=indexes[q["sample"]].search(q["terms"], k1, b)) for q in questions]


def zscores(ranked, n):
    top = ranked[:n]
    if not top:
        return {}, 0.0
    values = [s for _, s in top]
    mu, sd = statistics.fmean(values), statistics.pstdev(values)
    if sd < 1e-9:
        return {i: 1.0 for i, _ in top}, 0.0
    z = {i: (s - mu) / sd for i, s in top}
    return z, min(z.values())


def query_words(question):
    return {w.lower() for w in re.findall(r"[^\W_]+", question)}


def named_speakers(question, speakers):
    words = query_words(question)
    named = {s for s in speakers if s and s.split()[0].lower() in words}
    return named if 0 < len(named) < len(speakers) else None


def rank(q, turns, by_sample, p):
    """The engine's ranking of one question's conversation: a list of turn ids, best first."""
    sample = q["sample"]
    channels = [(q["lexical"], p["lexical_weight"]), (q["dense"], p["dense_weight"])]
    if p["temporal_weight"] > 0 and q.get("temporal"):
        channels.append((q["temporal"], p["temporal_weight"]))
    std = []
    floor = 0.0
    for ranked, weight in channels:
        z, f = zscores(ranked, p["candidates"])
        if z:
            std.append((z, f, weight))
            floor += weight * f
    if not std:
        return []
    candidates = set()
    for z, _, _ in std:
        candidates.update(z)
    speakers = {turns[(sample, i)].speaker for i in candidates}
    named = named_speakers(q["question"], speakers) if p["speaker_prior"] > 0 else None

    def prior(t):
        v = p["content_prior"] * (math.log(1 + max(0, t.tokens)) - math.log(21)) if t.speaker else 0.0  # turns only
        if named is not None and t.speaker:
            v += p["speaker_prior"] if t.speaker in named else -p["speaker_prior"]
        if t.question:
            v -= p["question_prior"]
        return v

    fused = {}
    for i in candidates:
        s, found = 0.0, 0
        for z, f, w in std:
            if i in z:
                s += w * z[i]
                found += 1
            else:
                s += w * f
        fused[i] = s + p["agreement"] * max(0, found - 1) + prior(turns[(sample, i)])
    order = sorted(fused, key=lambda i: (-fused[i], -turns[(sample, i)].seq))
    if not p["expansion"]:
        return order
    conv = by_sample[sample]
    lifted = dict(fused)
    for seed in order[:p["seeds"]]:
        st = turns[(sample, seed)]
        for d in range(1, p["window"] + 1):
            for j in (st.index - d, st.index + d):
                if not 0 <= j < len(conv) or conv[j].session != st.session:
                    continue
                n = conv[j]
                own = fused.get(n.id, floor + prior(n))
                if fused[seed] <= own:
                    continue
                candidate = own + p["neighbour_share"] * 0.5 ** (d - 1) * (fused[seed] - own)
                if n.id not in lifted or candidate > lifted[n.id]:
                    lifted[n.id] = candidate
    best = {}
    for i, v in lifted.items():
        s = turns[(sample, i)].session
        if s not in best or v > best[s]:
            best[s] = v
    final = {i: v + p["session_share"] * best[turns[(sample, i)].session] for i, v in lifted.items()}
    ranked = sorted(final, key=lambda i: (-final[i], -turns[(sample, i)].seq))
    return episode_lead(q, ranked, lifted, floor, turns, p)


def channel_scores(q, p):
    """ConsensusRanker's score per candidate (z-scores, floors, agreement; no prior), the floor, and the channel count:
    what ConfidenceModel maps to a probability."""
    channels = [(q["lexical"], p["lexical_weight"]), (q["dense"], p["dense_weight"])]
    if p["temporal_weight"] > 0 and q.get("temporal"):
        channels.append((q["temporal"], p["temporal_weight"]))
    std, floor = [], 0.0
    for ranked, weight in channels:
        z, f = zscores(ranked, p["candidates"])
        std.append((z, f, weight))
        floor += weight * f
    scores = {}
    for i in set().union(*(z for z, _, _ in std)):
        found = sum(1 for z, _, _ in std if i in z)
        scores[i] = sum(w * z.get(i, f) for z, f, w in std) + p["agreement"] * max(0, found - 1)
    return scores, floor, len(channels)


def calibrate(questions, turns, by_sample, params):
    """Refits ConfidenceModel: logistic regression of 'hit is an evidence turn' on channel score / channel count over
    the top-10 hits of every question (Newton's method), and prints A, B and the reliability table the engine prints."""
    p = DEFAULTS | params
    data = []
    for q in questions:
        evidence = scorable(q, turns)
        if not evidence:
            continue
        scores, floor, count = channel_scores(q, p)
        for i in rank(q, turns, by_sample, p)[:10]:
            data.append((scores.get(i, floor) / count, 1.0 if i in evidence else 0.0))
    a, b = -3.0, 0.5
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in data:
            pr = 1 / (1 + math.exp(-(a + b * x)))
            ga += y - pr
            gb += (y - pr) * x
            w = pr * (1 - pr)
            haa += w
            hab += w * x
            hbb += w * x * x
        det = haa * hbb - hab * hab
        a += (hbb * ga - hab * gb) / det
        b += (haa * gb - hab * ga) / det
    print(f"A = {a:.3f}, B = {b:.3f} over {len(data)} top-10 hits")
    print("| confidence | top-10 hits | observed evidence rate |")
    print("| --- | ---: | ---: |")
    bins = collections.defaultdict(lambda: [0, 0.0])
    for x, y in data:
        c = round(1 / (1 + math.exp(-(a + b * x))), 4)
        k = min(9, int(c * 10))
        bins[k][0] += 1
        bins[k][1] += y
    for k in sorted(bins):
        print(f"| {k / 10:.1f}-{(k + 1) / 10:.1f} | {bins[k][0]} | {bins[k][1] / bins[k][0]:.3f} |")


def episode_lead(q, ranked, own, floor, turns, p):
    """EpisodeLead: among the first lead_sessions sessions, best + lead_second x second best + lead_votes x (hits among
    each channel's first lead_depth) picks the session whose best entry moves to first place."""
    if p["lead_sessions"] <= 1 or len(ranked) < 2:
        return ranked
    sample = q["sample"]
    order = []
    for i in ranked:
        s = turns[(sample, i)].session
        if s not in order:
            order.append(s)
            if len(order) == p["lead_sessions"]:
                break
    groups = collections.defaultdict(list)
    for i, v in own.items():
        groups[turns[(sample, i)].session].append(v)
    votes = collections.Counter()
    for name in ("lexical", "dense", "temporal"):
        if name == "temporal" and p["temporal_weight"] <= 0:
            continue
        for i, _ in (q.get(name) or [])[:p["lead_depth"]]:
            votes[turns[(sample, i)].session] += 1

    def score(s):
        vs = sorted(groups[s], reverse=True)
        return vs[0] + p["lead_second"] * (vs[1] if len(vs) > 1 else floor) + p["lead_votes"] * votes[s]
    winner = max(order, key=lambda s: (score(s), -order.index(s)))
    if winner == order[0]:
        return ranked
    first = next(i for i in ranked if turns[(sample, i)].session == winner)
    return [first] + [i for i in ranked if i != first]


def scorable(q, turns):
    return {e for e in q["evidence"] if (q["sample"], e) in turns}


def session_of(turn_id):
    return turn_id.split(":")[0]


_RESCORED = {}


def evaluate(questions, turns, by_sample, params, samples=None):
    """Overall and per-category R@k and session Hit@1 (a dict name -> [R@1, R@5, R@10, R@25, S@1, count])."""
    p = DEFAULTS | params
    if "bm25" in p:  # (k1, b): the lexical channel re-scored from the dump's terms
        key = (id(questions), p["bm25"])
        if key not in _RESCORED:
            _RESCORED[key] = rescore_lexical(questions, by_sample, *p["bm25"])
        questions = _RESCORED[key]
    if p.get("sentence_views") is False:  # the dense channel over the entry vectors alone
        key = (id(questions), "dense_entry")
        if key not in _RESCORED:
            _RESCORED[key] = [dict(q, dense=q.get("dense_entry") or []) for q in questions]
        questions = _RESCORED[key]
    totals = collections.defaultdict(lambda: [0.0] * 6)
    for q in questions:
        if samples is not None and q["sample"] not in samples:
            continue
        evidence = scorable(q, turns)
        if not evidence:
            continue
        ranked = rank(q, turns, by_sample, p)
        sessions = {session_of(e) for e in evidence}
        for key in (CATEGORIES[q["category"]], "overall"):
            row = totals[key]
            for k_index, k in enumerate(KS):
                row[k_index] += len(set(ranked[:k]) & evidence) / len(evidence)
            row[4] += 1.0 if ranked and session_of(ranked[0]) in sessions else 0.0
            row[5] += 1
    return {k: [v / row[5] for v in row[:5]] + [row[5]] for k, row in totals.items()}


def objective(m):
    """What a fit maximizes: the two unmet targets, R@25 and session Hit@1, with R@10 as a tie-breaker."""
    o = m["overall"]
    return o[3] + o[4] + 0.5 * o[2]


def loco(questions, turns, by_sample, grid):
    """Leave-one-conversation-out: for each conversation, the grid point best on the other two, scored on it.
    Returns the pooled held-out metrics (question-weighted) and the chosen point per held-out conversation."""
    samples = sorted({q["sample"] for q in questions})
    cache = {}
    for i, params in enumerate(grid):
        for s in samples:
            cache[(i, s)] = evaluate(questions, turns, by_sample, params, {s})["overall"]
    pooled, chosen = [0.0] * 5, {}
    total = 0
    for held in samples:
        def train_score(i):
            rows = [cache[(i, s)] for s in samples if s != held]
            n = sum(r[5] for r in rows)
            agg = [sum(r[k] * r[5] for r in rows) / n for k in range(5)]
            return objective({"overall": agg})
        best = max(range(len(grid)), key=train_score)
        chosen[held] = grid[best]
        r = cache[(best, held)]
        for k in range(5):
            pooled[k] += r[k] * r[5]
        total += r[5]
    return [v / total for v in pooled], chosen


def row(name, o):
    return f"| {name} | {o[0]:.3f} | {o[1]:.3f} | {o[2]:.3f} | {o[3]:.3f} | {o[4]:.3f} |"


def print_misses(questions, turns, by_sample, params):
    p = DEFAULTS | params
    for q in questions:
        evidence = scorable(q, turns)
        if not evidence:
            continue
        ranked = rank(q, turns, by_sample, p)
        missed = [e for e in evidence if e not in ranked[:25]]
        top_session_hit = ranked and session_of(ranked[0]) in {session_of(e) for e in evidence}
        if not missed and top_session_hit:
            continue
        print(f"## [{CATEGORIES[q['category']]}] {q['question']}")
        for e in sorted(evidence):
            r = ranked.index(e) + 1 if e in ranked else None
            print(f"  evidence {e} rank {r}: {turns[(q['sample'], e)].text[:160]}")
        for i in ranked[:3]:
            print(f"  top {i}: {turns[(q['sample'], i)].text[:160]}")


VARIANTS = [
    ("simulated default", {}),
    ("no sentence views (entry vectors only)", {"sentence_views": False}),
    ("round 3's default (BM25 b 0.75, temporal 0.5, lead second 0.6, no sentence views)",
     {"bm25": (1.2, 0.75), "temporal_weight": 0.5, "lead_second": 0.6, "sentence_views": False}),
    ("BM25 b 0.75 (textbook)", {"bm25": (1.2, 0.75)}),
    ("BM25 b 0.5", {"bm25": (1.2, 0.5)}),
    ("BM25 b 0.2", {"bm25": (1.2, 0.2)}),
    ("BM25 b 0.0", {"bm25": (1.2, 0.0)}),
    ("BM25 k1 0.9", {"bm25": (0.9, 0.3)}),
    ("BM25 k1 1.6", {"bm25": (1.6, 0.3)}),
    ("temporal weight 0.5", {"temporal_weight": 0.5}),
    ("lead second 0.6", {"lead_second": 0.6}),
    ("no episode lead", {"lead_sessions": 0}),
    ("episode lead without votes", {"lead_votes": 0}),
    ("episode lead without the second best", {"lead_second": 0}),
    ("no question prior", {"question_prior": 0}),
    ("no speaker prior", {"speaker_prior": 0}),
    ("no content prior", {"content_prior": 0}),
    ("no prior", {"speaker_prior": 0, "content_prior": 0, "question_prior": 0}),
]

# The grid round 4's defaults were chosen from; --cv scores it leave-one-conversation-out (BM25 needs a dump with terms).
GRID = [dict(sentence_views=sv, bm25=(1.2, b), lead_second=a, lead_votes=v, temporal_weight=t)
        for sv in (True, False) for b in (0.2, 0.3, 0.75) for a in (0.4, 0.6) for v in (0.1, 0.2, 0.3) for t in (0.5, 1.0)]


def main():
    turns, by_sample, questions = load(sys.argv[1])
    if "--misses" in sys.argv:
        print_misses(questions, turns, by_sample, {})
        return
    if "--calibrate" in sys.argv:
        calibrate(questions, turns, by_sample, {})
        return
    if "--cv" in sys.argv:
        at_default = ("lead_second", "lead_votes", "temporal_weight")
        for name, grid in [("sentence views, BM25 b, lead weights and temporal weight (the whole grid)", GRID),
                           ("sentence views and BM25 b only (the rest at the default)",
                            [g for g in GRID if all(g[k] == DEFAULTS[k] for k in at_default)]),
                           ("lead weights and temporal weight only, round 3's channels (no sentence views, BM25 b 0.75)",
                            [g for g in GRID if g["bm25"][1] == 0.75 and not g["sentence_views"]])]:
            pooled, chosen = loco(questions, turns, by_sample, grid)
            print(row(f"LOCO-CV, {name}", pooled))
            for held, params in chosen.items():
                print(f"  held out {held}: chose {params}")
        return
    base = evaluate(questions, turns, by_sample, {})
    print("| category | questions | R@1 | R@5 | R@10 | R@25 | session Hit@1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in list(CATEGORIES.values()) + ["overall"]:
        o = base[name]
        print(f"| {name} | {int(o[5])} | {o[0]:.3f} | {o[1]:.3f} | {o[2]:.3f} | {o[3]:.3f} | {o[4]:.3f} |")
    print()
    print("| variant | R@1 | R@5 | R@10 | R@25 | session Hit@1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, params in VARIANTS:
        if "bm25" in params and turns and next(iter(turns.values())).terms is None:
            continue  # a dump without analyzed terms cannot re-score BM25
        if params.get("sentence_views") is False and not any(q.get("dense_entry") for q in questions):
            continue  # a dump without the entry-only dense channel
        print(row(name, evaluate(questions, turns, by_sample, params)["overall"]))


if __name__ == "__main__":
    main()
