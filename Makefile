# Heed: `make run` starts it, `make test` runs every test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/heed-dev/heed/internal/cli.Version=$(VERSION)
HTMX    := internal/web/static/vendor/htmx.min.js
# Hunspell dictionaries for the composer's spelling check (npm packages,
# copied next to the code that embeds them; not committed).
DICT_LANGS := en en-gb es fr
DICT_DIR   := internal/compose/dict
DICTS      := $(foreach l,$(DICT_LANGS),$(DICT_DIR)/$(l).aff $(DICT_DIR)/$(l).dic)

.PHONY: run build assets test test-pg test-sqlite bench lint fmt clean

## run: start Heed on http://localhost:8080 with SQLite under ./data
run: assets
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/heed serve --addr :8080 --data ./data

## build: a single static binary in bin/heed
build: assets
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/heed ./cmd/heed

## assets: fetch pinned front-end libraries and dictionaries with npm (package-lock.json) and stage them for go:embed
assets: $(HTMX) $(DICTS)

$(HTMX) $(DICTS) &: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
		mkdir -p $(dir $(HTMX)) && cp node_modules/htmx.org/dist/htmx.min.js $(HTMX) && \
		for l in $(DICT_LANGS); do \
			cp node_modules/dictionary-$$l/index.aff $(DICT_DIR)/$$l.aff && \
			cp node_modules/dictionary-$$l/index.dic $(DICT_DIR)/$$l.dic || exit 1; \
		done; \
	else \
		echo "!!! npm not found: the UI runs without htmx (plain forms) and the composer without spelling dictionaries. Install Node.js and npm."; \
	fi

## test: every test, on SQLite and PostgreSQL, with the race detector
test: assets
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## test-sqlite / test-pg: only one engine's pass of the database-backed tests
test-sqlite: assets
	HEED_TEST_ENGINES=sqlite $(GO) test -race -count=1 -timeout 20m ./...

test-pg: assets
	HEED_TEST_ENGINES=postgres HEED_TEST_REQUIRE_POSTGRES=1 $(GO) test -race -count=1 -timeout 20m ./...

## bench: throughput and latency figures (not part of make test)
bench: assets
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./internal/bench/...
	$(GO) test -run '^$$' -bench . -benchmem ./internal/analyze/... ./internal/listen/... ./internal/routing/... ./internal/compose/... ./internal/report/...

lint:
	@test -z "$$(gofmt -l .)" || (gofmt -l . && false)
	$(GO) vet ./...

fmt:
	gofmt -w .

clean:
	rm -rf bin node_modules $(dir $(HTMX)) $(DICTS)
