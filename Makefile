# The only commands a newcomer needs: make demo, make test, make check, make bench.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The CPU build on local disk; a bare `torch` would pull a multi-GB CUDA build.
TORCH_PIN := torch==2.13.0

.PHONY: install demo test test-fast check bench clean browser-deps ocr-deps vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q $(TORCH_PIN)
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ocr-deps

demo: $(STAMP)
	$(BIN)/scenehub demo --serve

# Browser tests drive Debian's chromium (never a downloaded browser); installed when we can,
# otherwise those tests skip with a message.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
		|| echo "chromium could not be installed: browser tests will be skipped"; \
	fi

# OCR of scanned lists: Debian's Tesseract with its simplified-Chinese data, and the CJK font
# the sample portal renders its scanned samples with. Installed as root; otherwise a message
# (crawls then report scanned lists as ocr_skipped, and the OCR tests skip).
ocr-deps:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
		|| [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-chi-sim \
				fonts-wqy-microhei >/dev/null) \
			|| echo "tesseract could not be installed: scanned lists will be reported ocr_skipped"; \
		else \
			echo "OCR needs tesseract-ocr, tesseract-ocr-chi-sim and fonts-wqy-microhei" \
				"(run make ocr-deps as root): until then scanned lists are reported ocr_skipped"; \
		fi; \
	fi

test: $(STAMP) browser-deps ocr-deps
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

# Defaults give the issues' full-scale figures; passage embeddings are cached in benchmarks/.cache.
# CONTRIB_SCALE=1 is the 1M models / 200k developers / 5M edges graph (networkx.pagerank needs ~6 GB);
# make bench CONTRIB_SCALE=0.05 MATCH_SIZES=10000 runs in a few minutes.
MATCH_SIZES ?= 10000,100000
CONTRIB_SCALE ?= 1

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_crawl.py
	$(BIN)/python benchmarks/bench_match.py --sizes $(MATCH_SIZES)
	$(BIN)/python benchmarks/bench_contrib.py --scale $(CONTRIB_SCALE)
	$(BIN)/python benchmarks/bench_api.py --sizes $(MATCH_SIZES)
	$(BIN)/python benchmarks/bench_pages.py
	$(BIN)/python benchmarks/bench_cli.py

# Front-end files from the npm registry into api/web/static/vendor/ (committed; never a CDN):
# Chart.js for the committee's charts, Swagger UI for /docs.
CHARTJS := 4.6.1
SWAGGER_UI := 5.35.0
vendor:
	cd /tmp && rm -rf scenehub-chartjs && mkdir scenehub-chartjs && cd scenehub-chartjs \
		&& npm pack chart.js@$(CHARTJS) >/dev/null && tar xzf chart.js-$(CHARTJS).tgz
	cp /tmp/scenehub-chartjs/package/dist/chart.umd.min.js /tmp/scenehub-chartjs/package/LICENSE.md \
		api/web/static/vendor/chartjs/
	cd /tmp && rm -rf scenehub-swagger && mkdir scenehub-swagger && cd scenehub-swagger \
		&& npm pack swagger-ui-dist@$(SWAGGER_UI) >/dev/null && tar xzf swagger-ui-dist-$(SWAGGER_UI).tgz
	cd /tmp/scenehub-swagger/package && cp swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE NOTICE \
		$(CURDIR)/api/web/static/vendor/swagger-ui/

clean:
	rm -rf $(VENV) .scenehub .pytest_cache .mypy_cache .ruff_cache
