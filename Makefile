# kcdocs — two commands on a fresh machine:
#   make demo   set up (virtual environment, package, CJK font) and run every command on samples/ into out/
#   make test   set up and run the tests
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KCDOCS := $(BIN)/kcdocs

.PHONY: setup demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	@sh tools/ensure_system_packages.sh $(BIN)/python

demo: setup
	mkdir -p out
	$(KCDOCS) notices enrollment samples/enrollment_roster.xlsx -o out/入学通知书.pdf --date 2020-08-01 --config samples/kcdocs.toml
	$(KCDOCS) notices return samples/return_roster.csv -o out/复学通知书.pdf --date 2020-05-10 --docx out/复学通知书_word --config samples/kcdocs.toml
	@echo "完成：输出在 out/ 文件夹。"

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/notices.py

clean:
	rm -rf out .pytest_cache
