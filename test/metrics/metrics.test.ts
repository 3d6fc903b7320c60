/**
 * kiln.metrics against reference values written out by definition in
 * scripts/fixtures_torch/metrics_fixtures.py (test/fixtures/torch_metrics.json): the functions on
 * whole inputs, the streaming accumulators fed in batches, and the errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as kiln from 'kiln';

const { metrics } = kiln;

type Num = number | string;
type Averages = { macro: Num; weighted: Num; micro: Num; none: Num[]; binary?: Num };
interface ClassCase {
  name: string;
  logits: number[][];
  target: number[];
  numClasses: number;
  pred: number[];
  accuracy: Num;
  topk: Record<string, Num>;
  confusion: number[][];
  confusionInferred: number[][];
  scores: Record<'precision' | 'recall' | 'f1', Averages>;
  scoresInferred: Record<'precision' | 'recall' | 'f1', Averages>;
}
interface RocCase { name: string; scores: number[]; target: number[]; auc: number }
interface RegCase { name: string; pred: number[] | number[][]; target: number[] | number[][]; mse: Num; mae: Num; r2: Num }

const fixture: { classification: ClassCase[]; roc: RocCase[]; regression: RegCase[] } = JSON.parse(
  readFileSync(new URL('../fixtures/torch_metrics.json', import.meta.url), 'utf8'),
);

const dec = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

function close(got: number, want: Num, label: string, tol = 1e-12): void {
  const w = dec(want);
  if (Number.isNaN(w)) {
    assert.ok(Number.isNaN(got), `${label}: expected NaN, got ${got}`);
    return;
  }
  assert.equal(typeof got, 'number', `${label}: expected a JS number`);
  assert.ok(Math.abs(got - w) <= tol * Math.max(1, Math.abs(w)), `${label}: expected ${w}, got ${got}`);
}

const f64 = (x: unknown): kiln.Tensor => kiln.tensor(x, { dtype: 'float64' });
const i64 = (x: unknown): kiln.Tensor => kiln.tensor(x, { dtype: 'int64' });
const SCORES = { precision: metrics.precision, recall: metrics.recall, f1: metrics.f1Score } as const;
const CLASSES = { precision: metrics.Precision, recall: metrics.Recall, f1: metrics.F1Score } as const;
const AVERAGES = ['macro', 'weighted', 'micro'] as const;

/** Splits rows [0, n) into uneven batches. */
function batches(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0, size = 1; start < n; start += size, size = size * 2 + 1) out.push([start, Math.min(n, start + size)]);
  return out;
}

describe('classification metrics', () => {
  for (const c of fixture.classification) {
    describe(c.name, () => {
      const logits = f64(c.logits);
      const target = i64(c.target);
      const pred = i64(c.pred);

      it('accuracy from logits and from labels', () => {
        close(metrics.accuracy(logits, target), c.accuracy, 'logits');
        close(metrics.accuracy(pred, target), c.accuracy, 'labels');
        close(metrics.accuracy(logits.float(), c.target), c.accuracy, 'float32 logits, array target');
      });

      it('top-k accuracy', () => {
        for (const [k, want] of Object.entries(c.topk)) {
          close(metrics.accuracy(logits, target, { topK: Number(k) }), want, `topK ${k}`);
          close(metrics.topKAccuracy(logits, target, Number(k)), want, `topKAccuracy ${k}`);
        }
      });

      it('confusion matrix (int64, rows = true class)', () => {
        const m = metrics.confusionMatrix(logits, target, c.numClasses);
        assert.equal(m.dtype, 'int64');
        assert.deepEqual(m.shape, [c.numClasses, c.numClasses]);
        assert.deepEqual(m.tolist(), c.confusion);
        assert.deepEqual(metrics.confusionMatrix(pred, target).tolist(), c.confusionInferred);
      });

      it('precision / recall / F1 with every average', () => {
        for (const name of ['precision', 'recall', 'f1'] as const) {
          const fn = SCORES[name];
          for (const average of AVERAGES) {
            close(fn(logits, target, { average, numClasses: c.numClasses }), c.scores[name][average], `${name} ${average}`);
            close(fn(pred, target, { average }), c.scoresInferred[name][average], `${name} ${average} (classes seen)`);
          }
          const none = fn(logits, target, { average: 'none', numClasses: c.numClasses });
          assert.equal(none.dtype, 'float64');
          (none.tolist() as number[]).forEach((v, i) => close(v, c.scores[name].none[i]!, `${name} none[${i}]`));
          if (c.scores[name].binary !== undefined) {
            close(fn(logits, target, { average: 'binary', numClasses: c.numClasses }), c.scores[name].binary!, `${name} binary`);
          }
        }
        close(metrics.f1Score(logits, target, { numClasses: c.numClasses }), c.scores.f1.macro, 'default average is macro');
      });

      it('streaming accumulators over batches give the whole-input values', () => {
        const acc = new metrics.Accuracy();
        const top2 = new metrics.Accuracy({ topK: 2 });
        const cm = new metrics.ConfusionMatrix(c.numClasses);
        const grown = new metrics.ConfusionMatrix();
        const scorers = AVERAGES.flatMap((average) => (['precision', 'recall', 'f1'] as const).map((name) => ({
          name, average, m: new CLASSES[name]({ average, numClasses: c.numClasses }),
        })));
        for (const [a, b] of batches(c.target.length)) {
          const lb = logits.narrow(0, a, b - a);
          const tb = target.narrow(0, a, b - a);
          acc.update(lb, tb);
          if (c.logits[0]!.length >= 2) top2.update(lb, tb);
          cm.update(lb, tb);
          grown.update(pred.narrow(0, a, b - a), tb);
          for (const s of scorers) s.m.update(lb, tb);
        }
        close(acc.compute(), c.accuracy, 'Accuracy');
        if (c.topk['2'] !== undefined) close(top2.compute(), c.topk['2'], 'Accuracy topK 2');
        assert.deepEqual(cm.compute().tolist(), c.confusion);
        assert.deepEqual(grown.compute().tolist(), c.confusionInferred);
        for (const s of scorers) close(s.m.compute() as number, c.scores[s.name][s.average], `${s.name} ${s.average} streamed`);
        acc.reset();
        cm.reset();
        assert.ok(Number.isNaN(acc.compute()), 'reset Accuracy has no samples');
        assert.deepEqual(cm.compute().tolist(), Array.from({ length: c.numClasses }, () => Array(c.numClasses).fill(0)));
      });
    });
  }

  it('top-k ties rank the lower class first (argmax agrees for k = 1)', () => {
    const scores = f64([[1, 1, 0], [0, 2, 2]]);
    assert.equal(metrics.accuracy(scores, [0, 1]), 1);
    assert.equal(metrics.accuracy(scores, [1, 2]), 0);
    assert.equal(metrics.accuracy(scores, [1, 2], { topK: 2 }), 1);
  });

  it('refuses bad inputs with clear errors', () => {
    assert.throws(() => metrics.accuracy(f64([0.2, 0.7]), [0, 1]), /class labels.*found 0\.2.*pred\.gt\(0\.5\)/);
    assert.throws(() => metrics.accuracy(i64([0, 1, 1]), i64([0, 1])), /different numbers of samples: 3 and 2/);
    assert.throws(() => metrics.accuracy(f64([[1, 2]]), [0], { topK: 3 }), /topK \(3\) is larger than the number of classes \(2\)/);
    assert.throws(() => metrics.accuracy(i64([1]), [0], { topK: 2 }), /needs scores of shape \(N, C\)/);
    assert.throws(() => metrics.accuracy(f64([[1, 2]]), [2]), /target label 2 is out of range for 2 classes/);
    assert.throws(() => metrics.confusionMatrix(i64([0, 3]), i64([0, 1]), 3), /label 3 is out of range for numClasses 3/);
    assert.throws(() => metrics.confusionMatrix(f64([[1, 2]]), i64([0]), 3), /scores for 2 classes, but numClasses is 3/);
    assert.throws(() => metrics.f1Score(i64([0, 2]), i64([0, 1]), { average: 'binary' }), /average 'binary' needs binary labels/);
    assert.throws(() => metrics.precision(i64([0]), i64([0]), { average: 'mean' as never }), /average must be one of/);
    assert.throws(() => metrics.accuracy(i64([0, -1]), i64([0, 1])), /integers >= 0/);
  });

  it('returns JS numbers for scalars and NaN for no samples', () => {
    assert.equal(typeof metrics.accuracy(i64([1]), i64([1])), 'number');
    assert.ok(Number.isNaN(metrics.accuracy(i64([]), i64([]))));
  });
});

describe('ROC AUC (ties as sklearn)', () => {
  for (const c of fixture.roc) {
    it(c.name, () => {
      close(metrics.rocAuc(f64(c.scores), i64(c.target)), c.auc, 'rocAuc');
      close(metrics.rocAuc(kiln.tensor(c.scores), kiln.tensor(c.target).bool()), c.auc, 'float32 scores, bool target', 1e-6);
      const m = new metrics.RocAuc();
      for (const [a, b] of batches(c.target.length)) m.update(c.scores.slice(a, b), c.target.slice(a, b));
      close(m.compute(), c.auc, 'RocAuc streamed');
    });
  }

  it('refuses one-class targets, non-binary targets and (N, C) scores', () => {
    assert.throws(() => metrics.rocAuc([0.1, 0.2], [1, 1]), /Only one class present in y_true/);
    assert.throws(() => metrics.rocAuc([0.1, 0.2], [0, 2]), /target must be binary/);
    assert.throws(() => metrics.rocAuc([[0.1, 0.9]], [1]), /scores must have shape \(N\)/);
  });
});

describe('regression metrics', () => {
  for (const c of fixture.regression) {
    it(c.name, () => {
      const p = f64(c.pred);
      const t = f64(c.target);
      close(metrics.meanSquaredError(p, t), c.mse, 'mse', 1e-11);
      close(metrics.meanAbsoluteError(p, t), c.mae, 'mae', 1e-11);
      close(metrics.r2Score(p, t), c.r2, 'r2', 1e-9);
      const mse = new metrics.MeanSquaredError();
      const mae = new metrics.MeanAbsoluteError();
      const r2 = new metrics.R2Score();
      for (const [a, b] of batches(t.shape[0]!)) {
        const pb = p.narrow(0, a, b - a);
        const tb = t.narrow(0, a, b - a);
        mse.update(pb, tb);
        mae.update(pb, tb);
        r2.update(pb, tb);
      }
      close(mse.compute(), c.mse, 'MeanSquaredError', 1e-11);
      close(mae.compute(), c.mae, 'MeanAbsoluteError', 1e-11);
      close(r2.compute(), c.r2, 'R2Score', 1e-9);
    });
  }

  it('refuses mismatched shapes (no silent broadcast) and gives NaN R² for one sample', () => {
    assert.throws(() => metrics.meanSquaredError(f64([[1], [2]]), f64([1, 2])), /same shape, got \(2, 1\) and \(2,\)/);
    assert.ok(Number.isNaN(metrics.r2Score([1], [2])));
  });
});

describe('Mean', () => {
  it('averages numbers and tensors, weighted', () => {
    const m = new metrics.Mean();
    assert.ok(Number.isNaN(m.compute()));
    m.update(2, 3);
    m.update(kiln.tensor([1, 5]));
    assert.equal(m.compute(), (6 + 1 + 5) / 5);
    m.reset();
    m.update(kiln.tensor(4.5));
    assert.equal(m.compute(), 4.5);
  });
});
