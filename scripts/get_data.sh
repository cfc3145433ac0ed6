#!/usr/bin/env bash
# Install the real Fashion-MNIST files from Debian's dataset-fashion-mnist when possible.
# Without it (not root, no apt), the loader falls back to its cache and then to downloading.
set -u
DIR=/usr/share/datasets/fashion-mnist
if [ -f "$DIR/train-images-idx3-ubyte.gz" ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing dataset-fashion-mnist (Debian package, about 31 MB)..."
  (apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
    (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1)) ||
    echo "Could not install dataset-fashion-mnist; the loader will try its cache or the network."
else
  echo "Fashion-MNIST is not in $DIR; install Debian's dataset-fashion-mnist, or the loader will download it."
fi
exit 0
