"""Working with RNNs: return_sequences, return_state and the parameter counts of the three layers."""
import keras
from keras import layers

inputs = keras.Input(shape=(None, 5))
seq = layers.LSTM(4, return_sequences=True)(inputs)
gru_out, gru_state = layers.GRU(6, return_state=True)(seq)
lstm_out, state_h, state_c = layers.LSTM(3, return_state=True)(seq)
rnn = layers.SimpleRNN(2)(seq)
model = keras.Model(inputs, [gru_out, lstm_out, rnn])

RESULT = {
    "seq": tuple(seq.shape),
    "gru": (tuple(gru_out.shape), tuple(gru_state.shape)),
    "lstm_states": (tuple(state_h.shape), tuple(state_c.shape)),
    "params": [layer.count_params() for layer in model.layers[1:]],
}
