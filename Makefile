# Quick start: `make demo` trains the seed CNN (the main job); `make test` runs lint, type checks and tests.
# Each target creates its own virtual environment in .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: demo test lint typecheck pytest bench data clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

data:
	@bash scripts/get_data.sh

# The main job: the seed CNN on Fashion-MNIST (Debian's dataset-fashion-mnist; else downloaded),
# with the progress bar, test accuracy, samples/s, and the trained model saved to mnist_cnn.keras.
demo: $(VENV)/.installed data
	TENSORFLUX_DATASET=fashion_mnist $(PY) examples/mnist_cnn.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check tensorflux tests bench examples scripts

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy tensorflux/framework tensorflux/backend

pytest: $(VENV)/.installed data
	$(PY) -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed data
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
