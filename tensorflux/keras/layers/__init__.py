"""``keras.layers``: every layer, one import line each (add new layers in their group)."""
# ruff: noqa: I001  (grouped by kind; the catalogue adds one line per layer)

# engine
from tensorflux.keras.layers.input_spec import InputSpec  # noqa: F401
from tensorflux.keras.layers.layer import Layer  # noqa: F401
from tensorflux.keras.layers.input_layer import Input, InputLayer  # noqa: F401

# core
from tensorflux.keras.layers.core.dense import Dense  # noqa: F401
from tensorflux.keras.layers.core.activation import Activation  # noqa: F401
from tensorflux.keras.layers.core.identity import Identity  # noqa: F401
from tensorflux.keras.layers.core.lambda_layer import Lambda  # noqa: F401
from tensorflux.keras.layers.core.embedding import Embedding  # noqa: F401
from tensorflux.keras.layers.core.reversible_embedding import ReversibleEmbedding  # noqa: F401
from tensorflux.keras.layers.core.masking import Masking  # noqa: F401
from tensorflux.keras.layers.core.einsum_dense import EinsumDense  # noqa: F401
from tensorflux.keras.layers.core.wrapper import Wrapper  # noqa: F401

# regularization
from tensorflux.keras.layers.regularization.dropout import Dropout  # noqa: F401
from tensorflux.keras.layers.regularization.spatial_dropout import SpatialDropout1D  # noqa: F401
from tensorflux.keras.layers.regularization.spatial_dropout import SpatialDropout2D  # noqa: F401
from tensorflux.keras.layers.regularization.spatial_dropout import SpatialDropout3D  # noqa: F401
from tensorflux.keras.layers.regularization.gaussian_noise import GaussianNoise  # noqa: F401
from tensorflux.keras.layers.regularization.gaussian_noise import GaussianDropout  # noqa: F401
from tensorflux.keras.layers.regularization.activity_regularization import ActivityRegularization  # noqa: F401
from tensorflux.keras.layers.regularization.alpha_dropout import AlphaDropout  # noqa: F401

# reshaping
from tensorflux.keras.layers.reshaping.flatten import Flatten  # noqa: F401
from tensorflux.keras.layers.reshaping.reshape import Reshape  # noqa: F401
from tensorflux.keras.layers.reshaping.permute import Permute  # noqa: F401
from tensorflux.keras.layers.reshaping.repeat_vector import RepeatVector  # noqa: F401

# activations
from tensorflux.keras.layers.activations.relu import LeakyReLU, ReLU  # noqa: F401
from tensorflux.keras.layers.activations.prelu import PReLU  # noqa: F401
from tensorflux.keras.layers.activations.elu import ELU  # noqa: F401
from tensorflux.keras.layers.activations.softmax import Softmax  # noqa: F401

# convolution, pooling, normalization, merging, recurrent, attention, preprocessing: the catalogue
# adds one line per layer here.
from tensorflux.keras.layers.convolutional.conv1d import Conv1D  # noqa: F401
from tensorflux.keras.layers.convolutional.conv2d import Conv2D  # noqa: F401
from tensorflux.keras.layers.convolutional.conv3d import Conv3D  # noqa: F401
from tensorflux.keras.layers.convolutional.conv1d_transpose import Conv1DTranspose  # noqa: F401
from tensorflux.keras.layers.convolutional.conv2d_transpose import Conv2DTranspose  # noqa: F401
from tensorflux.keras.layers.convolutional.conv3d_transpose import Conv3DTranspose  # noqa: F401
from tensorflux.keras.layers.convolutional.depthwise_conv1d import DepthwiseConv1D  # noqa: F401
from tensorflux.keras.layers.convolutional.depthwise_conv2d import DepthwiseConv2D  # noqa: F401
from tensorflux.keras.layers.convolutional.separable_conv1d import SeparableConv1D  # noqa: F401
from tensorflux.keras.layers.convolutional.separable_conv2d import SeparableConv2D  # noqa: F401
from tensorflux.keras.layers.pooling.max_pooling1d import MaxPooling1D  # noqa: F401
from tensorflux.keras.layers.pooling.max_pooling2d import MaxPooling2D  # noqa: F401
from tensorflux.keras.layers.pooling.max_pooling3d import MaxPooling3D  # noqa: F401
from tensorflux.keras.layers.pooling.average_pooling1d import AveragePooling1D  # noqa: F401
from tensorflux.keras.layers.pooling.average_pooling2d import AveragePooling2D  # noqa: F401
from tensorflux.keras.layers.pooling.average_pooling3d import AveragePooling3D  # noqa: F401
from tensorflux.keras.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D  # noqa: F401
from tensorflux.keras.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D  # noqa: F401
from tensorflux.keras.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D  # noqa: F401
from tensorflux.keras.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D  # noqa: F401
from tensorflux.keras.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D  # noqa: F401
from tensorflux.keras.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D  # noqa: F401
from tensorflux.keras.layers.pooling.adaptive_pooling import AdaptiveAveragePooling1D, AdaptiveMaxPooling1D  # noqa: F401
from tensorflux.keras.layers.pooling.adaptive_pooling import AdaptiveAveragePooling2D, AdaptiveMaxPooling2D  # noqa: F401
from tensorflux.keras.layers.pooling.adaptive_pooling import AdaptiveAveragePooling3D, AdaptiveMaxPooling3D  # noqa: F401
from tensorflux.keras.layers.reshaping.up_sampling1d import UpSampling1D  # noqa: F401
from tensorflux.keras.layers.reshaping.up_sampling2d import UpSampling2D  # noqa: F401
from tensorflux.keras.layers.reshaping.zero_padding1d import ZeroPadding1D  # noqa: F401
from tensorflux.keras.layers.reshaping.zero_padding2d import ZeroPadding2D  # noqa: F401
from tensorflux.keras.layers.reshaping.cropping1d import Cropping1D  # noqa: F401
from tensorflux.keras.layers.reshaping.cropping2d import Cropping2D  # noqa: F401
from tensorflux.keras.layers.reshaping.up_sampling3d import UpSampling3D  # noqa: F401
from tensorflux.keras.layers.reshaping.zero_padding3d import ZeroPadding3D  # noqa: F401
from tensorflux.keras.layers.reshaping.cropping3d import Cropping3D  # noqa: F401
from tensorflux.keras.layers.normalization.batch_normalization import BatchNormalization  # noqa: F401
from tensorflux.keras.layers.normalization.layer_normalization import LayerNormalization  # noqa: F401
from tensorflux.keras.layers.normalization.group_normalization import GroupNormalization  # noqa: F401
from tensorflux.keras.layers.normalization.unit_normalization import UnitNormalization  # noqa: F401
from tensorflux.keras.layers.normalization.rms_normalization import RMSNormalization  # noqa: F401
from tensorflux.keras.layers.normalization.spectral_normalization import SpectralNormalization  # noqa: F401
from tensorflux.keras.layers.merging.add import Add, add  # noqa: F401
from tensorflux.keras.layers.merging.subtract import Subtract, subtract  # noqa: F401
from tensorflux.keras.layers.merging.multiply import Multiply, multiply  # noqa: F401
from tensorflux.keras.layers.merging.average import Average, average  # noqa: F401
from tensorflux.keras.layers.merging.maximum import Maximum, maximum  # noqa: F401
from tensorflux.keras.layers.merging.minimum import Minimum, minimum  # noqa: F401
from tensorflux.keras.layers.merging.concatenate import Concatenate, concatenate  # noqa: F401
from tensorflux.keras.layers.merging.dot import Dot, dot  # noqa: F401
from tensorflux.keras.layers.rnn.rnn import RNN  # noqa: F401
from tensorflux.keras.layers.rnn.stacked_rnn_cells import StackedRNNCells  # noqa: F401
from tensorflux.keras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell  # noqa: F401
from tensorflux.keras.layers.rnn.lstm import LSTM, LSTMCell  # noqa: F401
from tensorflux.keras.layers.rnn.gru import GRU, GRUCell  # noqa: F401
from tensorflux.keras.layers.rnn.conv_lstm1d import ConvLSTM1D  # noqa: F401
from tensorflux.keras.layers.rnn.conv_lstm2d import ConvLSTM2D  # noqa: F401
from tensorflux.keras.layers.rnn.conv_lstm3d import ConvLSTM3D  # noqa: F401
from tensorflux.keras.layers.rnn.bidirectional import Bidirectional  # noqa: F401
from tensorflux.keras.layers.rnn.time_distributed import TimeDistributed  # noqa: F401
from tensorflux.keras.layers.attention.attention import Attention  # noqa: F401
from tensorflux.keras.layers.attention.multi_head_attention import MultiHeadAttention  # noqa: F401
from tensorflux.keras.layers.attention.additive_attention import AdditiveAttention  # noqa: F401
from tensorflux.keras.layers.attention.grouped_query_attention import GroupedQueryAttention  # noqa: F401
from tensorflux.keras.layers.preprocessing.rescaling import Rescaling  # noqa: F401
from tensorflux.keras.layers.preprocessing.normalization import Normalization  # noqa: F401
from tensorflux.keras.layers.preprocessing.category_encoding import CategoryEncoding  # noqa: F401
from tensorflux.keras.layers.preprocessing.discretization import Discretization  # noqa: F401
from tensorflux.keras.layers.preprocessing.integer_lookup import IntegerLookup  # noqa: F401
from tensorflux.keras.layers.preprocessing.string_lookup import StringLookup  # noqa: F401
from tensorflux.keras.layers.preprocessing.text_vectorization import TextVectorization  # noqa: F401
from tensorflux.keras.layers.core.backend_wrappers import FlaxLayer, JaxLayer, TFSMLayer, TorchModuleWrapper  # noqa: F401
from tensorflux.keras.layers.serialization import deserialize, serialize  # noqa: F401
from tensorflux.keras.layers.preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes  # noqa: F401
from tensorflux.keras.layers.preprocessing.aug_mix import AugMix  # noqa: F401
from tensorflux.keras.layers.preprocessing.clahe import ContrastLimitedAdaptiveHistogramEqualization  # noqa: F401
from tensorflux.keras.layers.preprocessing.rand_augment import RandAugment  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_elastic_transform import RandomElasticTransform  # noqa: F401
from tensorflux.keras.layers.preprocessing.hashing import Hashing  # noqa: F401
from tensorflux.keras.layers.preprocessing.hashed_crossing import HashedCrossing  # noqa: F401
from tensorflux.keras.layers.preprocessing.stft_spectrogram import STFTSpectrogram  # noqa: F401
from tensorflux.keras.layers.preprocessing.mel_spectrogram import MelSpectrogram  # noqa: F401
from tensorflux.keras.layers.preprocessing.image_resizing import CenterCrop, Resizing  # noqa: F401
from tensorflux.keras.layers.preprocessing.image_augmentation import RandomBrightness, RandomContrast  # noqa: F401
from tensorflux.keras.layers.preprocessing.image_augmentation import RandomCrop, RandomFlip  # noqa: F401
from tensorflux.keras.layers.preprocessing.image_augmentation import RandomRotation, RandomTranslation  # noqa: F401
from tensorflux.keras.layers.preprocessing.image_augmentation import RandomZoom  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_grayscale import RandomGrayscale  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_invert import RandomInvert  # noqa: F401
from tensorflux.keras.layers.preprocessing.solarization import Solarization  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_erasing import RandomErasing  # noqa: F401
from tensorflux.keras.layers.preprocessing.pipeline import Pipeline  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_shear import RandomShear  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur  # noqa: F401
from tensorflux.keras.layers.preprocessing.mix_up import MixUp  # noqa: F401
from tensorflux.keras.layers.preprocessing.cut_mix import CutMix  # noqa: F401
from tensorflux.keras.layers.preprocessing.equalization import Equalization  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_perspective import RandomPerspective  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_color import RandomHue  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_color import RandomSaturation  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_color import RandomColorDegeneration  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_tone import RandomSharpness  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_tone import RandomPosterization  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_tone import AutoContrast  # noqa: F401
from tensorflux.keras.layers.preprocessing.random_color import RandomColorJitter  # noqa: F401

# Keras' aliases
GroupQueryAttention = GroupedQueryAttention  # noqa: F401  (keras.layers exports the class under this name)
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D  # noqa: F401
Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose  # noqa: F401
Convolution3DTranspose = Conv3DTranspose  # noqa: F401
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D  # noqa: F401
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D  # noqa: F401
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D  # noqa: F401
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D  # noqa: F401
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D  # noqa: F401
GlobalAvgPool3D = GlobalAveragePooling3D  # noqa: F401
