"""Learned triage: a model trained on the platform's own past decisions proposes a category and
a handling unit for a new case of any kind, with a confidence and the words that drove it.

The model is linear over hashed features (character 1–3-grams, the spaces between words
included, and words and word pairs, each in its own hash space), weighted by sublinear TF-IDF
and L2-normalised. Per head (category, unit): three linear SVMs with balanced classes (all
features, characters only, words only), stacked by a multinomial logistic regression fitted on
their cross-validated decision values, which also calibrates the confidence; being linear, the
stack collapses into one weight matrix (see `train`). The features are computed for a whole batch at once with numpy, so no Python loop runs per
character. The file is a numpy archive (no pickle) under var/, `settings.LIANXIN_TRIAGE_MODEL`.

Staff see the proposal on the triage and assignment pages and take it with one click; when they
choose otherwise, a `TriageCorrection` keeps the text and both labels, and the next
`manage.py triage_train` uses past decisions and corrections (see docs/casework.md).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

BITS = 21  # columns: characters' n-grams in the lower half, words and word pairs in the upper
WORDS = 1 << 20
SPACE = 32
SEPARATOR = 1  # between the messages of a batch
_PUNCT = re.compile(r"[^\w]+|_")  # punctuation, symbols, whitespace: word boundaries

# One hash seed per feature space: characters 1, 2, 3-grams; words; word pairs; title words.
_SEEDS = (
    0x01234567,
    0x89ABCDEF1,
    0x3C6EF372FE94F82B,
    0x510E527FADE682D1,
    0x1F83D9ABFB41BD6B,
    0x5BE0CD19137E2179,
    0x6A09E667F3BCC908,
)
CORRECTION_WEIGHT = 3.0
DENSE_CLASSES = 10  # heads with this many classes or fewer score with dense weights  # a correction counts as much as three ordinary decisions


def _np():
    import numpy as np

    return np


def segment(text: str) -> str:
    """Words separated by single spaces. Text already segmented (words between spaces, as the
    outside data sets ship it) is kept; otherwise rjieba cuts it. Punctuation is dropped."""
    text = text or ""
    if text.count(" ") * 8 >= len(text) > 0:
        return " ".join(_PUNCT.sub(" ", text).split())
    import rjieba

    return " ".join(w for w in (_PUNCT.sub("", w) for w in rjieba.cut(text)) if w)


def case_text(case) -> str:
    """What the model reads of a case: its title and its content."""
    return f"{case.title}\n{case.content}".strip()


def featurize(segmented: list[str]):
    """A CSR matrix of raw counts (messages × 2^BITS) of hashed features of segmented texts."""
    np = _np()
    import scipy.sparse as sp

    n = len(segmented)
    u64 = np.uint64
    mult, shift, b21 = u64(0x9E3779B97F4A7C15), u64(64 - BITS + 1), u64(1 << 21)
    words = u64(WORDS)
    seeds = [u64(s) for s in _SEEDS]

    def bucket(h, seed):
        return ((h ^ seed) * mult) >> shift

    joined = "\x01".join(segmented) + "\x01"
    a = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    sep = a == SEPARATOR
    doc = np.cumsum(sep) - sep  # the message each position belongs to
    rows, cols = [], []
    with np.errstate(over="ignore"):
        # Characters, the spaces between words kept (an n-gram across a word boundary says
        # where words end): 1-, 2- and 3-grams inside one message.
        keep = ~sep
        c, cd = a[keep], doc[keep]
        h = c
        for k in (1, 2, 3):
            if k > 1:
                h = h[:-1] * b21 + c[k - 1 :]
                same = cd[: len(h)] == cd[k - 1 :]
                cols.append(bucket(h[same], seeds[k - 1]))
                rows.append(cd[: len(h)][same])
            else:
                cols.append(bucket(h, seeds[0]))
                rows.append(cd)
        # Words: a polynomial hash of each word's characters, summed per word.
        inside = ~((a == SPACE) | sep)
        first = inside & np.concatenate(([True], ~inside[:-1]))
        starts = np.flatnonzero(first)
        if len(starts):
            wid = np.cumsum(first) - 1
            pos = np.clip(np.arange(len(a)) - starts[np.clip(wid, 0, None)], 0, 63)
            powers = _powers()
            vals = np.where(inside, a * powers[pos], u64(0))
            wh = np.add.reduceat(vals, starts)
            wd = doc[starts]
            cols.append(bucket(wh, seeds[3]) | words)
            rows.append(wd)
            if len(wh) > 1:
                ph = wh[:-1] * u64(31) + wh[1:]
                same = wd[:-1] == wd[1:]
                cols.append(bucket(ph[same], seeds[4]) | words)
                rows.append(wd[:-1][same])
    r = np.concatenate(rows).astype(np.int64)
    key = (r << BITS) | np.concatenate(cols).astype(np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    indptr = np.searchsorted(uniq >> BITS, np.arange(n + 1))
    indices = (uniq & ((1 << BITS) - 1)).astype(np.int32)
    return sp.csr_matrix((counts.astype(np.float32), indices, indptr), shape=(n, 1 << BITS))


_POWERS = None


def _powers():
    global _POWERS
    if _POWERS is None:
        np = _np()
        _POWERS = np.array([pow(1000003, k, 2**64) for k in range(64)], dtype=np.uint64)
    return _POWERS


def _columns_of(piece: str, *, is_word: bool) -> list[int]:
    np = _np()
    u64 = np.uint64
    mult, shift = u64(0x9E3779B97F4A7C15), u64(64 - BITS + 1)
    a = np.frombuffer(piece.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    out = []
    with np.errstate(over="ignore"):
        if is_word:
            h = np.add.reduce(a * _powers()[np.clip(np.arange(len(a)), 0, 63)])
            out.append(int(((h ^ u64(_SEEDS[3])) * mult) >> shift) | WORDS)
        if 2 <= len(a) <= 3:
            h = a[0]
            for x in a[1:]:
                h = h * u64(1 << 21) + x
            out.append(int(((h ^ u64(_SEEDS[len(a) - 1])) * mult) >> shift))
    return out


# --- The model ---------------------------------------------------------------------------------


@dataclass
class Head:
    """One decision (category or unit): classes, linear weights, calibration."""

    classes: list[str]
    coef: object  # CSR, classes × features
    intercept: object
    cal_w: object  # classes × classes
    cal_b: object

    _dense: object = field(default=None, repr=False)

    def scores(self, X):
        # features × classes, dense for a few classes (a sparse × dense product is several
        # times faster than sparse × sparse), else kept sparse
        if self._dense is None:
            t = self.coef.T
            # C order: scipy would otherwise copy all of it on every product
            dense = len(self.classes) <= DENSE_CLASSES
            self._dense = _np().ascontiguousarray(t.toarray()) if dense else t.tocsr()
        s = X @ self._dense
        return (s if isinstance(s, _np().ndarray) else s.toarray()) + self.intercept

    def proba(self, X):
        np = _np()
        z = self.scores(X) @ self.cal_w.T + self.cal_b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@dataclass
class Model:
    idf: object
    heads: dict[str, Head] = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def transform(self, texts: list[str], *, segmented: bool = False):
        from sklearn.preprocessing import normalize

        X = featurize(texts if segmented else [segment(t) for t in texts])
        X.data = (1 + _np().log(X.data)) * self.idf[X.indices]
        return normalize(X, copy=False)

    def predict(self, head: str, texts: list[str], *, segmented: bool = False):
        """(labels, confidences) for each text."""
        h = self.heads[head]
        p = h.proba(self.transform(texts, segmented=segmented))
        best = p.argmax(axis=1)
        return [h.classes[i] for i in best], p[_np().arange(len(best)), best]

    def save(self, path: Path) -> None:
        np = _np()
        arrays = {"idf": self.idf, "info": np.array([repr(self.info)])}
        for name, h in self.heads.items():
            c = h.coef.tocsr()
            arrays.update(
                {
                    f"{name}.classes": np.array(h.classes),
                    f"{name}.data": c.data,
                    f"{name}.indices": c.indices,
                    f"{name}.indptr": c.indptr,
                    f"{name}.intercept": h.intercept,
                    f"{name}.cal_w": h.cal_w,
                    f"{name}.cal_b": h.cal_b,
                }
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Model:
        import ast

        np = _np()
        import scipy.sparse as sp

        z = np.load(path, allow_pickle=False)
        heads = {}
        for name in sorted({k.split(".")[0] for k in z.files if "." in k}):
            classes = [str(c) for c in z[f"{name}.classes"]]
            coef = sp.csr_matrix(
                (z[f"{name}.data"], z[f"{name}.indices"], z[f"{name}.indptr"]),
                shape=(len(classes), 1 << BITS),
            )
            heads[name] = Head(
                classes, coef, z[f"{name}.intercept"], z[f"{name}.cal_w"], z[f"{name}.cal_b"]
            )
        return cls(idf=z["idf"], heads=heads, info=ast.literal_eval(str(z["info"][0])))


def train(
    texts: list[str],
    labels: dict[str, list[str | None]],
    *,
    weights: list[float] | None = None,
    segmented: bool = False,
    C: float = 0.5,
) -> Model:
    """Train one head per entry of `labels` (a label per text, None where that head has none).

    Each head stacks three linear SVMs (all features; characters only; words only): a
    multinomial logistic regression learns, from their cross-validated decision values, how
    much to trust each and how to turn them into probabilities. Everything being linear, the
    stack collapses into one weight matrix: scoring costs what one model costs."""
    np = _np()
    from sklearn.preprocessing import normalize

    started = time.perf_counter()
    seg = texts if segmented else [segment(t) for t in texts]
    raw = featurize(seg)
    df = np.bincount(raw.indices, minlength=raw.shape[1])
    idf = (np.log((1 + raw.shape[0]) / (1 + df)) + 1).astype(np.float32)
    idf[df == 0] = 0  # unseen features carry nothing
    raw.data = (1 + np.log(raw.data)) * idf[raw.indices]
    X = normalize(raw, copy=False)
    w = np.asarray(weights if weights is not None else [1.0] * len(texts), dtype=np.float64)
    model = Model(idf=idf, info={"messages": len(texts)})
    for name, ys in labels.items():
        rows = [i for i, y in enumerate(ys) if y]
        y = np.array([ys[i] for i in rows])
        classes = np.unique(y)
        if len(classes) < 2:
            continue
        coef, intercept = _stack(X[rows], y, w[rows], C=C)
        k = len(classes)
        model.heads[name] = Head(
            [str(c) for c in classes],
            coef.astype(np.float32).tocsr(),
            intercept.astype(np.float64),
            np.eye(k),
            np.zeros(k),
        )
        model.info[f"{name}.examples"] = len(rows)
    model.info["seconds"] = round(time.perf_counter() - started, 1)
    return model


# The column ranges of the three stacked models: all features, characters, words.
_BASES = ((0, 1 << BITS), (0, WORDS), (WORDS, 1 << BITS))


def _stack(X, y, w, *, C: float):
    """(coef classes × features, intercept) of the collapsed stack for one head."""
    np = _np()
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    classes, counts = np.unique(y, return_counts=True)
    k = len(classes)
    folds = int(min(5, counts.min()))
    bases = _BASES if folds >= 2 else _BASES[:1]
    coefs, intercepts, decisions = [], [], []
    for lo, hi in bases:
        part = X[:, lo:hi]
        svm = LinearSVC(C=C, class_weight="balanced").fit(part, y, sample_weight=w)
        c = sp.coo_matrix(_coef(svm, k).astype(np.float32))
        coefs.append(sp.csr_matrix((c.data, (c.row, c.col + lo)), shape=(k, X.shape[1])))
        intercepts.append(_intercept(svm, k))
        if folds >= 2:
            dec = cross_val_predict(
                LinearSVC(C=C, class_weight="balanced"),
                part,
                y,
                cv=StratifiedKFold(folds, shuffle=True, random_state=0),
                method="decision_function",
                params={"sample_weight": w},
            )
            decisions.append(dec if dec.ndim == 2 else np.column_stack([-dec, dec]))
    if folds < 2:  # too few examples to calibrate: a plain softmax of sharpened scores
        return coefs[0] * 4, intercepts[0] * 4
    if k <= DENSE_CLASSES:  # complement naive Bayes, a different view (linear as well)
        seen = np.flatnonzero(X.getnnz(axis=0))
        Xs = X[:, seen]
        dec = np.zeros((X.shape[0], k))
        for fit, held in StratifiedKFold(folds, shuffle=True, random_state=0).split(Xs, y):
            dec[held] = Xs[held] @ _cnb_weights(Xs[fit], y[fit], w[fit]).T
        scale = 1 / (dec.std() or 1)  # to the SVMs' order of magnitude (the stack converges)
        decisions.append(dec * scale)
        coefs.append(_cnb(Xs, y, w, seen, X.shape[1], scale))
        intercepts.append(np.zeros(k))
    cal = LogisticRegression(C=1.0, max_iter=2000).fit(np.hstack(decisions), y, sample_weight=w)
    A = cal.coef_ if k > 2 else np.vstack([-cal.coef_[0], cal.coef_[0]]) / 2
    b = cal.intercept_ if k > 2 else np.array([-1, 1]) * cal.intercept_[0] / 2
    coef = sum(sp.csr_matrix(A[:, i * k : (i + 1) * k]) @ c for i, c in enumerate(coefs))
    intercept = b + sum(A[:, i * k : (i + 1) * k] @ t for i, t in enumerate(intercepts))
    return coef, intercept


def _cnb_weights(Xs, y, w):
    """Complement naive Bayes weights, centred over the classes (the same decisions, without
    the large per-message constant)."""
    from sklearn.naive_bayes import ComplementNB

    flp = ComplementNB(alpha=0.3).fit(Xs, y, sample_weight=w).feature_log_prob_
    return flp - flp.mean(axis=0)


def _cnb(Xs, y, w, seen, width, scale):
    """The same over all the data, as a classes × width CSR over the seen columns."""
    np = _np()
    import scipy.sparse as sp

    flp = _cnb_weights(Xs, y, w) * scale
    k = flp.shape[0]
    rows = np.repeat(np.arange(k), len(seen))
    cols = np.tile(seen, k)
    return sp.csr_matrix((flp.ravel().astype(np.float32), (rows, cols)), shape=(k, width))


def _coef(svm, k):
    np = _np()
    c = svm.coef_
    return c if k > 2 else np.vstack([-c[0], c[0]])


def _intercept(svm, k):
    np = _np()
    b = svm.intercept_
    return b if k > 2 else np.array([-b[0], b[0]])


# --- The stored model and proposals ---------------------------------------------------------------

_lock = threading.Lock()
_cached: tuple[Path, float, Model] | None = None


def model_path() -> Path:
    return Path(settings.LIANXIN_TRIAGE_MODEL)


def current_model() -> Model | None:
    """The stored model, read once per process and again when the file changes; None if none."""
    global _cached
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        if _cached is None or _cached[0] != path or _cached[1] != mtime:
            _cached = (path, mtime, Model.load(path))
        return _cached[2]


@dataclass(frozen=True)
class Guess:
    label: str  # a category or unit code
    confidence: float
    accepted: bool  # confident enough to propose


@dataclass(frozen=True)
class TriageProposal:
    """What the model proposes for one case: the category and the unit (each None when it is
    not sure enough), the confidences and the words that weighed most for the category."""

    category: object | None  # casework.Category
    category_confidence: float
    unit: object | None  # org.HandlingUnit
    unit_confidence: float
    words: list[str]
    threshold: float

    @property
    def empty(self) -> bool:
        return self.category is None and self.unit is None


def _guess(model: Model, head: str, X) -> Guess | None:
    h = model.heads.get(head)
    if h is None:
        return None
    p = h.proba(X)[0]
    i = int(p.argmax())
    threshold = settings.LIANXIN_TRIAGE_MIN_CONFIDENCE
    return Guess(h.classes[i], float(p[i]), float(p[i]) >= threshold)


def top_words(model: Model, segmented: str, X, label: str, *, n: int = 5) -> list[str]:
    """The words and n-grams of the text that pushed most towards `label`."""
    h = model.heads["category"]
    if label not in h.classes:
        return []
    row = h.coef.getrow(h.classes.index(label))
    weights = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
    x = X.getrow(0)
    contrib = {
        int(c): v * weights.get(int(c), 0.0)
        for c, v in zip(x.indices, x.data, strict=True)
        if weights.get(int(c), 0.0) > 0
    }
    names: dict[int, str] = {}
    words = segmented.split()
    chars = " ".join(words)
    grams = [chars[i : i + k] for k in (3, 2) for i in range(len(chars) - k + 1)]
    for piece, is_word in [(w, True) for w in words] + [(g, False) for g in grams if " " not in g]:
        for c in _columns_of(piece, is_word=is_word):
            if c in contrib and c not in names:
                names[c] = piece
    ranked = sorted((c for c in contrib if c in names), key=lambda c: -contrib[c])
    out: list[str] = []
    for c in ranked:
        word = names[c]
        if not any(word in w or w in word for w in out):
            out.append(word)
        if len(out) == n:
            break
    return out


def propose(case, *, units=None) -> TriageProposal | None:
    """The proposal for a case, or None when no model is stored. `units`: the handling units
    the case may go to (a queryset); a proposed unit outside them is not proposed."""

    model = current_model()
    if model is None:
        return None
    text = case_text(case)
    seg = segment(text)
    X = model.transform([seg], segmented=True)
    threshold = settings.LIANXIN_TRIAGE_MIN_CONFIDENCE
    category = unit = None
    cat_conf = unit_conf = 0.0
    words: list[str] = []
    g = _guess(model, "category", X)
    if g is not None:
        cat_conf = g.confidence
        if g.accepted:
            category = category_for(g.label)
        if category is not None:
            words = top_words(model, seg, X, g.label)
    g = _guess(model, "unit", X)
    if g is not None:
        unit_conf = g.confidence
        if g.accepted and units is not None:
            unit = units.filter(code=g.label).first()
    return TriageProposal(category, cat_conf, unit, unit_conf, words, threshold)


def category_for(label: str):
    from .models import Category

    qs = Category.objects.filter(is_active=True)
    return qs.filter(code=label).first() or qs.filter(name=label).first()


# --- Corrections -----------------------------------------------------------------------------------


def note_decision(case, *, head: str, chosen: str, units=None, acting_user=None) -> None:
    """Called by the triage and assignment actions: when a model is stored and the staff's
    choice differs from what it proposes, keep the text and both labels for the next training."""
    from .models import TriageCorrection

    model = current_model()
    if model is None or head not in model.heads:
        return
    X = model.transform([case_text(case)])
    g = _guess(model, head, X)
    if g is None or g.label == chosen:
        return
    TriageCorrection.objects.create(
        case=case,
        head=head,
        text=case_text(case)[:20000],
        proposed=g.label if g.accepted else "",
        confidence=round(g.confidence, 4),
        chosen=chosen,
        corrected_by=acting_user,
    )


def training_rows() -> tuple[list[str], dict[str, list[str | None]], list[float]]:
    """Past decisions (cases with a category; lead units not returned) and corrections."""
    from django.db.models import Q

    from .models import Assignment, Case, TriageCorrection

    texts: list[str] = []
    cats: list[str | None] = []
    units: list[str | None] = []
    weights: list[float] = []
    lead = {}
    for case_id, code in (
        Assignment.objects.filter(role=Assignment.Role.LEAD)
        .exclude(status=Assignment.Status.RETURNED)
        .order_by("assigned_at")
        .values_list("case_id", "unit__code")
    ):
        lead[case_id] = code
    qs = (
        Case.objects.filter(Q(category__isnull=False) | Q(assignments__role=Assignment.Role.LEAD))
        .distinct()
        .values_list("id", "title", "content", "category__code")
    )
    for case_id, title, content, cat in qs.iterator():
        texts.append(f"{title}\n{content}".strip())
        cats.append(cat)
        units.append(lead.get(case_id))
        weights.append(1.0)
    for head, text, chosen in TriageCorrection.objects.values_list("head", "text", "chosen"):
        texts.append(text)
        cats.append(chosen if head == "category" else None)
        units.append(chosen if head == "unit" else None)
        weights.append(CORRECTION_WEIGHT)
    return texts, {"category": cats, "unit": units}, weights


# --- Outside data and evaluation -------------------------------------------------------------------


def read_csv(path, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    """Texts and labels of a UTF-8 CSV with a header; rows without text or label are skipped.
    Labels that name a category (城乡建设) become its code, so the model proposes categories."""
    import csv

    from .models import Category

    by_name = dict(Category.objects.values_list("name", "code"))
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in (text_col, label_col) if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(
                f"CSV 中没有列：{'、'.join(missing)}（现有列：{'、'.join(reader.fieldnames or [])}）"
            )
        for row in reader:
            text, label = (row[text_col] or "").strip(), (row[label_col] or "").strip()
            if text and label:
                texts.append(text)
                labels.append(by_name.get(label, label))
    return texts, labels


@dataclass(frozen=True)
class Evaluation:
    macro_f1: float
    per_class: dict[str, float]
    abstained: float  # share of messages below the confidence threshold
    accuracy_when_sure: float
    messages_per_second: float  # wall clock
    messages_per_cpu_second: float  # the process's CPU time (a shared machine)
    messages: int


def evaluate(model: Model, texts: list[str], labels: list[str]) -> Evaluation:
    """Macro-F1 of the category head over all messages (its best guess, abstention ignored),
    and its speed: featurising and scoring, one batch, one process."""
    np = _np()
    from sklearn.metrics import f1_score

    model.predict("category", texts[:1])  # the weights are laid out on first use
    started, cpu = time.perf_counter(), time.process_time()
    predicted, confidence = model.predict("category", texts)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    classes = sorted(set(labels))
    per = f1_score(labels, predicted, labels=classes, average=None, zero_division=0)
    sure = confidence >= settings.LIANXIN_TRIAGE_MIN_CONFIDENCE
    right = np.array(predicted) == np.array(labels)
    return Evaluation(
        macro_f1=float(f1_score(labels, predicted, labels=classes, average="macro")),
        per_class={c: float(f) for c, f in zip(classes, per, strict=True)},
        abstained=float(1 - sure.mean()) if len(sure) else 0.0,
        accuracy_when_sure=float(right[sure].mean()) if sure.any() else 0.0,
        messages_per_second=len(texts) / seconds if seconds else 0.0,
        messages_per_cpu_second=len(texts) / cpu if cpu else 0.0,
        messages=len(texts),
    )


def split(texts, labels, *, test_size: float = 0.2, seed: int = 42):
    """A stratified split: (train texts, train labels, test texts, test labels)."""
    from sklearn.model_selection import train_test_split

    a, b, ya, yb = train_test_split(
        texts, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    return a, ya, b, yb
