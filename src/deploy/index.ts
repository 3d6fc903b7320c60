/**
 * Deployment: checkpoints in the safetensors format (kiln.save / kiln.load, shared with PyTorch
 * and Hugging Face both ways) and training checkpoints with optimizer state beside the weights.
 */
export {
  save, load, loadMetadata, serializeSafetensors, MAX_HEADER_BYTES,
  type SaveOptions, type LoadOptions,
} from './safetensors.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_KEY } from './checkpoint.js';
