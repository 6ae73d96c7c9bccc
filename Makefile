# natsys: build, test, run and benchmark every module of the workspace.
SHELL     := /bin/bash
MODULES   := server client cli
BIN       := $(CURDIR)/bin
VERSION   ?= $(shell cat VERSION 2>/dev/null || echo 0.1.0-dev)
LDFLAGS   := -X github.com/natsys/natsys/server.Version=$(VERSION) -X github.com/natsys/natsys/cli/internal/cmdutil.Version=$(VERSION)
FUZZTIME  ?= 30s
SOAKTIME  ?= 2m
CACHE     ?= $(or $(NATSYS_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/natsys)
REF       := $(CACHE)/ref
export NATSYS_REF_SERVER ?= $(REF)/nats-server
export NATSYS_REF_NATS   ?= $(REF)/nats

# Binaries: nats-server, and each CLI that exists.
CMDS := server/cmd/nats-server $(wildcard cli/nats-sub cli/nats-pub cli/nats-sys)

.PHONY: all build test vet fmt-check unit unit-ref unit-natsys ref run bench fuzz clean soak

all: build

build:
	@mkdir -p $(BIN)
	@for c in $(CMDS); do \
		mod=$${c%%/*}; name=$$(basename $$c); \
		echo "build $$name"; \
		(cd $$mod && go build -ldflags "$(LDFLAGS)" -o $(BIN)/$$name ./$${c#*/}) || exit 1; \
	done

ref:
	@NATSYS_CACHE=$(CACHE) ./scripts/ref.sh >/dev/null

fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@for m in $(MODULES); do (cd $$m && go vet ./...) || exit 1; done

# unit runs every module's tests with the race detector (client and CLI
# integration tests against the reference nats-server), then the client and
# CLI tests again against natsys's own bin/nats-server. Tests that need a
# feature natsys lacks (cluster, operator, ...) skip in that pass, saying so.
unit: unit-ref unit-natsys

unit-ref:
	@for m in $(MODULES); do echo "== go test -race $$m"; (cd $$m && go test -race -count=1 -timeout 10m ./...) || exit 1; done

# The server under test of the second pass; the race detector is left out
# (the first pass already runs the same test code under it).
NATSYS_SERVER := $(BIN)/nats-server
NATSYS_PASS   := client cli

unit-natsys: build
	@for m in $(NATSYS_PASS); do echo "== go test $$m against $(NATSYS_SERVER)"; \
		(cd $$m && NATSYS_TEST_SERVER=$(NATSYS_SERVER) NATSYS_CLI_TEST_SERVER=$(NATSYS_SERVER) \
			go test -count=1 -timeout 10m ./...) || exit 1; done

test: fmt-check vet ref build unit

run: build
	$(BIN)/nats-server -c docs/examples/sys.conf

bench: build ref
	./scripts/bench.sh

fuzz:
	@./scripts/fuzz.sh $(FUZZTIME)

soak: build
	./scripts/soak.sh $(SOAKTIME)

clean:
	rm -rf $(BIN)
