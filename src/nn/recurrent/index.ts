/** Recurrent layers: RNN, LSTM, GRU and their single-step cells. */
export { RNNBase, type RNNBaseOptions, type RNNMode } from './rnn-base.js';
export { RNN, LSTM, GRU, type RNNOptions, type LSTMOptions, type GRUOptions } from './rnn.js';
export { RNNCellBase, RNNCell, LSTMCell, GRUCell, type RNNCellBaseOptions, type RNNCellOptions } from './cells.js';
