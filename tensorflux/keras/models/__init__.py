"""``keras.models``: Model, Sequential, and functional models."""

from tensorflux.keras.models.functional import Functional  # noqa: F401
from tensorflux.keras.models.model import Model  # noqa: F401
from tensorflux.keras.models.sequential import Sequential  # noqa: F401
from tensorflux.keras.saving.saving_api import clone_model, load_model, model_from_json, save_model  # noqa: F401,E402
