# Kestrel's one Makefile. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
# Every Go module in the repository (the root, bench/, interop/, ...).
MODULES := $(shell find . -name go.mod -not -path './.tmp/*' -printf '%h\n' | sort)
RACE ?= -race

.PHONY: help
help: ## Show this help.
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-10s %s\n", $$1, $$2}'

.PHONY: deps
deps: ## Install what the tests need (Debian's thrift-compiler for interop/).
	@if [ -d interop ] && ! command -v thrift >/dev/null 2>&1; then \
		echo "installing thrift-compiler"; \
		SUDO=$$(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq thrift-compiler >/dev/null; \
	fi

.PHONY: demo
demo: ## Run the demo: a netpoll echo server loaded for a few seconds.
	$(GO) run ./cmd/kestrel demo

.PHONY: fmt-check
fmt-check: ## Fail if any Go file is not gofmt-clean.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet every module, for linux and darwin.
	@set -e; for m in $(MODULES); do echo "== vet $$m"; (cd $$m && $(GO) vet ./... && GOOS=darwin $(GO) vet ./...); done

.PHONY: test
test: deps fmt-check vet ## Run every test: vet, gofmt, go test -race over every module, purego and invariants builds.
	@set -e; for m in $(MODULES); do echo "== test $$m"; (cd $$m && $(GO) test $(RACE) -timeout 12m ./...); done
	@echo "== test purego (pure-Go twins of the assembly)"
	$(GO) test -tags purego -timeout 5m ./internal/simd/... ./thrift/...
	@echo "== invariants build (use-after-release poisoning, double-release checks)"
	$(GO) test -tags invariants -timeout 5m ./linkbuf/... ./netpoll/... ./callinfo/...
	@echo "== benchmark smoke run (each benchmark once)"
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 5m ./linkbuf/... ./internal/... ./thrift/...

.PHONY: bench
bench: ## Run the root module's micro-benchmarks (see docs/benchmarks.md for the side-by-side ones).
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./...
