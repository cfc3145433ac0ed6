"""``keras.callbacks``: hooks into ``fit``, ``evaluate`` and ``predict``."""

from tensorflux.keras.callbacks.backup_and_restore import BackupAndRestore
from tensorflux.keras.callbacks.callback import Callback
from tensorflux.keras.callbacks.callback_list import CallbackList
from tensorflux.keras.callbacks.csv_logger import CSVLogger
from tensorflux.keras.callbacks.early_stopping import EarlyStopping
from tensorflux.keras.callbacks.history import History
from tensorflux.keras.callbacks.lambda_callback import LambdaCallback
from tensorflux.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from tensorflux.keras.callbacks.model_checkpoint import ModelCheckpoint
from tensorflux.keras.callbacks.orbax_checkpoint import OrbaxCheckpoint
from tensorflux.keras.callbacks.progbar_logger import ProgbarLogger
from tensorflux.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from tensorflux.keras.callbacks.remote_monitor import RemoteMonitor
from tensorflux.keras.callbacks.swap_ema_weights import SwapEMAWeights
from tensorflux.keras.callbacks.tensorboard import TensorBoard
from tensorflux.keras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "OrbaxCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
