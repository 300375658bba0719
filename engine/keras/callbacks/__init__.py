"""Callbacks ``fit`` calls around epochs and batches, one module each (as Keras 3 lays them out):
History, ProgbarLogger, EarlyStopping, ModelCheckpoint, LearningRateScheduler, ReduceLROnPlateau,
CSVLogger, TensorBoard, LambdaCallback, TerminateOnNaN, BackupAndRestore; ``callback_list`` runs them."""

from engine.keras.callbacks.backup_and_restore import BackupAndRestore
from engine.keras.callbacks.callback import Callback
from engine.keras.callbacks.callback_list import CallbackList
from engine.keras.callbacks.csv_logger import CSVLogger
from engine.keras.callbacks.early_stopping import EarlyStopping
from engine.keras.callbacks.history import History
from engine.keras.callbacks.lambda_callback import LambdaCallback
from engine.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from engine.keras.callbacks.model_checkpoint import ModelCheckpoint
from engine.keras.callbacks.progbar_logger import ProgbarLogger
from engine.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from engine.keras.callbacks.tensorboard import TensorBoard
from engine.keras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau", "TensorBoard",
           "TerminateOnNaN", "BackupAndRestore"]
