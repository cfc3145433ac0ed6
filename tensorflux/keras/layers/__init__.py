"""``keras.layers``: every layer, its module imported on first use (one table entry per layer, in its
group), so that ``from tensorflux.keras import layers`` stays fast: a model loads only the layers it
uses.
"""

from __future__ import annotations

import importlib
from typing import Any

# engine: every layer builds on these
from tensorflux.keras.layers.input_layer import Input, InputLayer  # noqa: F401
from tensorflux.keras.layers.input_spec import InputSpec  # noqa: F401
from tensorflux.keras.layers.layer import Layer  # noqa: F401

# public name -> module under tensorflux.keras.layers
_EXPORTS = {
    # core
    "Dense": "core.dense",
    "Activation": "core.activation",
    "Identity": "core.identity",
    "Lambda": "core.lambda_layer",
    "Embedding": "core.embedding",
    "ReversibleEmbedding": "core.reversible_embedding",
    "Masking": "core.masking",
    "EinsumDense": "core.einsum_dense",
    "Wrapper": "core.wrapper",
    # regularization
    "Dropout": "regularization.dropout",
    "SpatialDropout1D": "regularization.spatial_dropout",
    "SpatialDropout2D": "regularization.spatial_dropout",
    "SpatialDropout3D": "regularization.spatial_dropout",
    "GaussianNoise": "regularization.gaussian_noise",
    "GaussianDropout": "regularization.gaussian_noise",
    "ActivityRegularization": "regularization.activity_regularization",
    "AlphaDropout": "regularization.alpha_dropout",
    # reshaping
    "Flatten": "reshaping.flatten",
    "Reshape": "reshaping.reshape",
    "Permute": "reshaping.permute",
    "RepeatVector": "reshaping.repeat_vector",
    # activations
    "LeakyReLU": "activations.relu",
    "ReLU": "activations.relu",
    "PReLU": "activations.prelu",
    "ELU": "activations.elu",
    "Softmax": "activations.softmax",
    # convolution, pooling, normalization, merging, recurrent, attention, preprocessing: the catalogue
    # adds one line per layer here.
    "Conv1D": "convolutional.conv1d",
    "Conv2D": "convolutional.conv2d",
    "Conv3D": "convolutional.conv3d",
    "Conv1DTranspose": "convolutional.conv1d_transpose",
    "Conv2DTranspose": "convolutional.conv2d_transpose",
    "Conv3DTranspose": "convolutional.conv3d_transpose",
    "DepthwiseConv1D": "convolutional.depthwise_conv1d",
    "DepthwiseConv2D": "convolutional.depthwise_conv2d",
    "SeparableConv1D": "convolutional.separable_conv1d",
    "SeparableConv2D": "convolutional.separable_conv2d",
    "MaxPooling1D": "pooling.max_pooling1d",
    "MaxPooling2D": "pooling.max_pooling2d",
    "MaxPooling3D": "pooling.max_pooling3d",
    "AveragePooling1D": "pooling.average_pooling1d",
    "AveragePooling2D": "pooling.average_pooling2d",
    "AveragePooling3D": "pooling.average_pooling3d",
    "GlobalMaxPooling1D": "pooling.global_max_pooling1d",
    "GlobalMaxPooling2D": "pooling.global_max_pooling2d",
    "GlobalMaxPooling3D": "pooling.global_max_pooling3d",
    "GlobalAveragePooling1D": "pooling.global_average_pooling1d",
    "GlobalAveragePooling2D": "pooling.global_average_pooling2d",
    "GlobalAveragePooling3D": "pooling.global_average_pooling3d",
    "AdaptiveAveragePooling1D": "pooling.adaptive_pooling",
    "AdaptiveMaxPooling1D": "pooling.adaptive_pooling",
    "AdaptiveAveragePooling2D": "pooling.adaptive_pooling",
    "AdaptiveMaxPooling2D": "pooling.adaptive_pooling",
    "AdaptiveAveragePooling3D": "pooling.adaptive_pooling",
    "AdaptiveMaxPooling3D": "pooling.adaptive_pooling",
    "UpSampling1D": "reshaping.up_sampling1d",
    "UpSampling2D": "reshaping.up_sampling2d",
    "ZeroPadding1D": "reshaping.zero_padding1d",
    "ZeroPadding2D": "reshaping.zero_padding2d",
    "Cropping1D": "reshaping.cropping1d",
    "Cropping2D": "reshaping.cropping2d",
    "UpSampling3D": "reshaping.up_sampling3d",
    "ZeroPadding3D": "reshaping.zero_padding3d",
    "Cropping3D": "reshaping.cropping3d",
    "BatchNormalization": "normalization.batch_normalization",
    "LayerNormalization": "normalization.layer_normalization",
    "GroupNormalization": "normalization.group_normalization",
    "UnitNormalization": "normalization.unit_normalization",
    "RMSNormalization": "normalization.rms_normalization",
    "SpectralNormalization": "normalization.spectral_normalization",
    "Add": "merging.add",
    "add": "merging.add",
    "Subtract": "merging.subtract",
    "subtract": "merging.subtract",
    "Multiply": "merging.multiply",
    "multiply": "merging.multiply",
    "Average": "merging.average",
    "average": "merging.average",
    "Maximum": "merging.maximum",
    "maximum": "merging.maximum",
    "Minimum": "merging.minimum",
    "minimum": "merging.minimum",
    "Concatenate": "merging.concatenate",
    "concatenate": "merging.concatenate",
    "Dot": "merging.dot",
    "dot": "merging.dot",
    "RNN": "rnn.rnn",
    "StackedRNNCells": "rnn.stacked_rnn_cells",
    "SimpleRNN": "rnn.simple_rnn",
    "SimpleRNNCell": "rnn.simple_rnn",
    "LSTM": "rnn.lstm",
    "LSTMCell": "rnn.lstm",
    "GRU": "rnn.gru",
    "GRUCell": "rnn.gru",
    "ConvLSTM1D": "rnn.conv_lstm1d",
    "ConvLSTM2D": "rnn.conv_lstm2d",
    "ConvLSTM3D": "rnn.conv_lstm3d",
    "Bidirectional": "rnn.bidirectional",
    "TimeDistributed": "rnn.time_distributed",
    "Attention": "attention.attention",
    "MultiHeadAttention": "attention.multi_head_attention",
    "AdditiveAttention": "attention.additive_attention",
    "GroupedQueryAttention": "attention.grouped_query_attention",
    "Rescaling": "preprocessing.rescaling",
    "Normalization": "preprocessing.normalization",
    "CategoryEncoding": "preprocessing.category_encoding",
    "Discretization": "preprocessing.discretization",
    "IntegerLookup": "preprocessing.integer_lookup",
    "StringLookup": "preprocessing.string_lookup",
    "TextVectorization": "preprocessing.text_vectorization",
    "FlaxLayer": "core.backend_wrappers",
    "JaxLayer": "core.backend_wrappers",
    "TFSMLayer": "core.backend_wrappers",
    "TorchModuleWrapper": "core.backend_wrappers",
    "deserialize": "serialization",
    "serialize": "serialization",
    "MaxNumBoundingBoxes": "preprocessing.max_num_bounding_boxes",
    "AugMix": "preprocessing.aug_mix",
    "ContrastLimitedAdaptiveHistogramEqualization": "preprocessing.clahe",
    "RandAugment": "preprocessing.rand_augment",
    "RandomElasticTransform": "preprocessing.random_elastic_transform",
    "Hashing": "preprocessing.hashing",
    "HashedCrossing": "preprocessing.hashed_crossing",
    "STFTSpectrogram": "preprocessing.stft_spectrogram",
    "MelSpectrogram": "preprocessing.mel_spectrogram",
    "CenterCrop": "preprocessing.image_resizing",
    "Resizing": "preprocessing.image_resizing",
    "RandomBrightness": "preprocessing.image_augmentation",
    "RandomContrast": "preprocessing.image_augmentation",
    "RandomCrop": "preprocessing.image_augmentation",
    "RandomFlip": "preprocessing.image_augmentation",
    "RandomRotation": "preprocessing.image_augmentation",
    "RandomTranslation": "preprocessing.image_augmentation",
    "RandomZoom": "preprocessing.image_augmentation",
    "RandomGrayscale": "preprocessing.random_grayscale",
    "RandomInvert": "preprocessing.random_invert",
    "Solarization": "preprocessing.solarization",
    "RandomErasing": "preprocessing.random_erasing",
    "Pipeline": "preprocessing.pipeline",
    "RandomShear": "preprocessing.random_shear",
    "RandomGaussianBlur": "preprocessing.random_gaussian_blur",
    "MixUp": "preprocessing.mix_up",
    "CutMix": "preprocessing.cut_mix",
    "Equalization": "preprocessing.equalization",
    "RandomPerspective": "preprocessing.random_perspective",
    "RandomHue": "preprocessing.random_color",
    "RandomSaturation": "preprocessing.random_color",
    "RandomColorDegeneration": "preprocessing.random_color",
    "RandomSharpness": "preprocessing.random_tone",
    "RandomPosterization": "preprocessing.random_tone",
    "AutoContrast": "preprocessing.random_tone",
    "RandomColorJitter": "preprocessing.random_color",
    # Keras' aliases
}
# Keras' other names of the same classes
_ALIASES = {
    "GroupQueryAttention": "GroupedQueryAttention",
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
}


def __getattr__(name: str) -> Any:
    target = _ALIASES.get(name, name)
    mod = _EXPORTS.get(target)
    if mod is None:
        raise AttributeError(f"module 'tensorflux.keras.layers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tensorflux.keras.layers.{mod}"), target)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_EXPORTS) + list(_ALIASES))
