/** nn.Parameter: a tensor that is a module's learnable weight (a leaf that requires grad). */
import { Tensor } from '../tensor/tensor.js';

export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const d = data.detach();
    super(d.storage, d.dtype, d.shape, d.elementStrides, d.offset);
    // refuses integer tensors that would require grad, with PyTorch's message
    this.requiresGrad_(requiresGrad);
  }
}
