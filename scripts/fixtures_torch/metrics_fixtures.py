#!/usr/bin/python3
"""Reference values for kiln.metrics (test/metrics/metrics.test.ts reads them).

Run with a Python that can `import torch` (on Debian: /usr/bin/python3):

    /usr/bin/python3 scripts/fixtures_torch/metrics_fixtures.py

Writes test/fixtures/torch_metrics.json. sklearn is not installed, so each metric is written out
here by its definition, the way sklearn computes it (argmax and top-k come from torch):

- precision / recall / F1 per class from the confusion matrix, with sklearn's zero_division
  default: a ratio whose denominator is 0 counts as 0;
- the classes that take part: `labels=range(C)` when numClasses is given, else the classes seen in
  pred or target (sklearn's unique_labels);
- macro = plain mean over those classes; weighted = mean weighted by support (0 if no support);
  micro = from summed tp / predictions / support;
- ROC AUC = the trapezoidal area under the ROC curve built as sklearn's _binary_clf_curve and
  roc_curve build it (thresholds at distinct scores, so tied scores make one diagonal step);
- R² = 1 - SS_res / SS_tot per output column, averaged; a constant column scores 1 if predicted
  exactly, else 0 (force_finite); NaN under two samples.
"""
import json
import math
import os
import sys

# sibling scripts (random.py) would shadow standard modules that torch imports: drop this folder
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or '.') != HERE]

import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'torch_metrics.json')
rng = np.random.default_rng(20240601)


def num(x):
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return x


# ---- classification ---------------------------------------------------------------------------

def confusion(pred, target, c):
    m = np.zeros((c, c), dtype=np.int64)
    for p, t in zip(pred, target):
        m[t, p] += 1
    return m


def div(a, b):
    return 0.0 if b == 0 else a / b


def scores(pred, target, num_classes):
    """sklearn's precision_recall_fscore_support for every average, by definition."""
    c = num_classes if num_classes is not None else int(max(pred.max(initial=-1), target.max(initial=-1))) + 1
    m = confusion(pred, target, c)
    tp = np.diag(m).astype(np.float64)
    predicted = m.sum(axis=0).astype(np.float64)
    support = m.sum(axis=1).astype(np.float64)
    per = {
        'precision': [div(tp[k], predicted[k]) for k in range(c)],
        'recall': [div(tp[k], support[k]) for k in range(c)],
        'f1': [],
    }
    for k in range(c):
        p, r = per['precision'][k], per['recall'][k]
        per['f1'].append(div(2 * p * r, p + r))
    labels = list(range(c)) if num_classes is not None else sorted(set(pred.tolist()) | set(target.tolist()))
    out = {}
    for name in ('precision', 'recall', 'f1'):
        vals = per[name]
        macro = float(np.mean([vals[k] for k in labels])) if labels else float('nan')
        total_support = sum(support[k] for k in labels)
        weighted = div(sum(vals[k] * support[k] for k in labels), total_support)
        t, pr, s = (sum(a[k] for k in labels) for a in (tp, predicted, support))
        mp, mr = div(t, pr), div(t, s)
        micro = {'precision': mp, 'recall': mr, 'f1': div(2 * mp * mr, mp + mr)}[name]
        out[name] = {'macro': num(macro), 'weighted': num(weighted), 'micro': num(micro),
                     'none': [num(v) for v in vals]}
        if c <= 2:
            out[name]['binary'] = num(vals[1]) if c == 2 else 0.0
    return m, out


def classification_case(name, logits, target, num_classes=None, ks=(1, 2, 3)):
    logits_t = torch.tensor(logits, dtype=torch.float64)
    target_t = torch.tensor(target, dtype=torch.int64)
    pred = logits_t.argmax(dim=1).numpy()
    n, c = logits.shape
    topk = {}
    for k in ks:
        if k <= c:
            idx = logits_t.topk(k, dim=1).indices
            topk[str(k)] = num((idx == target_t[:, None]).any(dim=1).double().mean().item())
    with_n, by_n = scores(pred, np.asarray(target), num_classes)
    without_m, without = scores(pred, np.asarray(target), None)
    return {
        'name': name, 'logits': logits.tolist(), 'target': list(map(int, target)), 'numClasses': num_classes,
        'pred': pred.tolist(),
        'accuracy': num((pred == np.asarray(target)).mean()),
        'topk': topk,
        'confusion': with_n.tolist(),
        'confusionInferred': without_m.tolist(),
        'scores': by_n,
        'scoresInferred': without,
    }


def classification_cases():
    cases = []
    for i, (n, c) in enumerate([(40, 3), (64, 5), (25, 4), (100, 10)]):
        logits = rng.normal(size=(n, c))
        target = rng.integers(0, c, size=n)
        # bias the logits towards the target so the scores are not all near chance
        logits[np.arange(n), target] += rng.uniform(0, 2, size=n)
        cases.append(classification_case(f'random_{i}', logits, target, c))
    # class 3 is never predicted and class 4 never occurs anywhere (numClasses = 5)
    logits = rng.normal(size=(30, 5))
    logits[:, 3] -= 10
    logits[:, 4] -= 10
    target = rng.integers(0, 4, size=30)
    cases.append(classification_case('never_predicted_and_absent', logits, target, 5))
    # class 2 is predicted but never true
    logits = rng.normal(size=(20, 3))
    target = rng.integers(0, 2, size=20)
    logits[0, 2] += 10
    cases.append(classification_case('predicted_never_true', logits, target, 3))
    # binary
    logits = rng.normal(size=(33, 2))
    target = rng.integers(0, 2, size=33)
    cases.append(classification_case('binary', logits, target, 2))
    # all right, one sample
    cases.append(classification_case('single', np.array([[0.1, 0.9, 0.3]]), np.array([1]), 3))
    return cases


# ---- ROC AUC ----------------------------------------------------------------------------------

def roc_auc(scores_, target):
    """sklearn's roc_auc_score for binary targets: _binary_clf_curve, roc_curve, then auc."""
    order = np.argsort(-scores_, kind='mergesort')
    s = scores_[order]
    y = target[order].astype(np.float64)
    distinct = np.where(np.diff(s))[0]
    threshold_idxs = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[threshold_idxs]
    fps = 1 + threshold_idxs - tps
    tps = np.r_[0, tps]
    fps = np.r_[0, fps]
    fpr = fps / fps[-1]
    tpr = tps / tps[-1]
    return float(np.trapz(tpr, fpr))


def roc_cases():
    cases = []
    for i, n in enumerate([10, 57, 200]):
        target = rng.integers(0, 2, size=n)
        target[0], target[1] = 0, 1
        s = rng.normal(size=n) + target
        cases.append({'name': f'random_{i}', 'scores': s.tolist(), 'target': target.tolist(), 'auc': roc_auc(s, target)})
    # heavy ties: scores rounded to one decimal
    target = rng.integers(0, 2, size=80)
    s = np.round(rng.uniform(size=80) * 0.5 + target * 0.3, 1)
    cases.append({'name': 'ties', 'scores': s.tolist(), 'target': target.tolist(), 'auc': roc_auc(s, target)})
    # all scores equal: 0.5
    t = np.array([0, 1, 1, 0, 1])
    cases.append({'name': 'all_tied', 'scores': [0.3] * 5, 'target': t.tolist(), 'auc': roc_auc(np.full(5, 0.3), t)})
    # perfect and reversed
    t = np.array([0, 0, 1, 1])
    cases.append({'name': 'perfect', 'scores': [0.1, 0.2, 0.8, 0.9], 'target': t.tolist(),
                  'auc': roc_auc(np.array([0.1, 0.2, 0.8, 0.9]), t)})
    cases.append({'name': 'reversed', 'scores': [0.9, 0.8, 0.2, 0.1], 'target': t.tolist(),
                  'auc': roc_auc(np.array([0.9, 0.8, 0.2, 0.1]), t)})
    return cases


# ---- regression -------------------------------------------------------------------------------

def r2(pred, target):
    if target.shape[0] < 2:
        return float('nan')
    p = pred.reshape(target.shape[0], -1)
    t = target.reshape(target.shape[0], -1)
    outs = []
    for j in range(t.shape[1]):
        ss_res = float(((t[:, j] - p[:, j]) ** 2).sum())
        ss_tot = float(((t[:, j] - t[:, j].mean()) ** 2).sum())
        if ss_tot == 0:
            outs.append(1.0 if ss_res == 0 else 0.0)
        else:
            outs.append(1 - ss_res / ss_tot)
    return float(np.mean(outs))


def regression_case(name, pred, target):
    pt, tt = torch.tensor(pred), torch.tensor(target)
    return {
        'name': name, 'pred': pred.tolist(), 'target': target.tolist(),
        'mse': num(torch.nn.functional.mse_loss(pt, tt).item()),
        'mae': num(torch.nn.functional.l1_loss(pt, tt).item()),
        'r2': num(r2(pred, target)),
    }


def regression_cases():
    cases = []
    t = rng.normal(size=50) * 3 + 10
    cases.append(regression_case('1d', t + rng.normal(size=50), t))
    t = rng.normal(size=(40, 3)) * np.array([1.0, 10.0, 0.1])
    cases.append(regression_case('2d', t + rng.normal(size=(40, 3)) * 0.5, t))
    t = np.full((12, 2), 4.0)
    t[:, 1] = rng.normal(size=12)
    p = t.copy()
    p[:, 1] += 0.3
    cases.append(regression_case('constant_column_exact', p, t))
    p2 = p.copy()
    p2[3, 0] = 5.0
    cases.append(regression_case('constant_column_missed', p2, t))
    t = rng.normal(size=30) + 1e6  # large offset: sums of squares would cancel
    cases.append(regression_case('large_offset', t + rng.normal(size=30) * 0.01, t))
    return cases


def main():
    fixture = {
        'torch': torch.__version__,
        'numpy': np.__version__,
        'classification': classification_cases(),
        'roc': roc_cases(),
        'regression': regression_cases(),
    }
    with open(OUT + '.tmp', 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    os.replace(OUT + '.tmp', OUT)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
