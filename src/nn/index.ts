/** kiln.nn: modules, layers, losses, initialisation and nn.functional. */
export { Module } from './module.js';
export type { StateDict, LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict } from './containers.js';
export * from './layers/index.js';
export * from './conv/index.js';
export * from './recurrent/index.js';
export * from './attention/index.js';
export * from './losses/index.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
