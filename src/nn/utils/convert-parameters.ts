/** parametersToVector / vectorToParameters: all parameters as one flat vector and back. */
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../tensor/autograd/grad-mode.js';
import { cat } from '../../tensor/ops/shape.js';

function checkTensor(x: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`expected torch.Tensor, but got: ${typeof x}`);
}

/** The parameters flattened and concatenated (differentiable, as torch's). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = [...parameters];
  list.forEach(checkTensor);
  return cat(list.map((p) => p.reshape(-1)));
}

/** Points each parameter's data at its slice of vec (parameters keep their identity). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  checkTensor(vec);
  let offset = 0;
  noGrad(() => {
    for (const p of parameters) {
      checkTensor(p);
      const n = p.numel();
      p.data = vec.narrow(0, offset, n).reshape(p.shape).detach();
      offset += n;
    }
  });
}
