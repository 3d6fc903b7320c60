/**
 * kiln.optim: optimizers (`new optim.SGD(model.parameters(), {lr: 0.1, momentum: 0.9})`) and,
 * under optim.lrScheduler, learning-rate schedules.
 */
export { Optimizer, required } from './optimizer.js';
export type { ParamGroup, ParamGroupInput, Params, ParamState, OptimizerStateDict, Closure } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler/index.js';
