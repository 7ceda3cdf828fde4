# Nyttig — developer entry points. The real work is in deploy/dev/*.sh:
#   services.sh  PostgreSQL + MinIO (up/down/env/status), state in .data/
#   run.sh       services, build, migrate, demo seed, serve on :8080
#   test.sh      services, test tools, go vet, go test against real services
#
#   make run                                    # http://localhost:8080, Ctrl-C stops it
#   make test                                   # the whole suite (CI runs this)
#   make test TESTFLAGS='-run Foo ./workflow/...'
#   make reliability                            # crashes, outages, races in full (docs/reliability.md)
#   make bench                                  # nyttig bench: figures beside pgbench (docs/performance.md)
#   fuzz.sh      every Go fuzz target for FUZZTIME each (make fuzz)

SHELL := /bin/bash
TESTFLAGS ?=
FUZZTIME ?= 1m

.PHONY: run test reliability bench fuzz build services-up services-down fmt vet clean

## run: start services, build, migrate, seed demo data and serve on :8080
run:
	deploy/dev/run.sh

## test: go vet + go test against real PostgreSQL and MinIO
test:
	deploy/dev/test.sh $(TESTFLAGS)

## bench: nyttig bench, every scenario, table on stdout and bench.json (BENCHFLAGS='--quick')
BENCHFLAGS ?=
bench:
	deploy/dev/bench.sh $(BENCHFLAGS)

## reliability: the reliability suite in full mode (kill -9, database restart,
## object-storage outage, races; then nyttig check); a short round runs in `make test`
reliability:
	deploy/dev/reliability.sh

## fuzz: run every fuzz target for FUZZTIME (default 1m) each, one after another
fuzz:
	FUZZTIME=$(FUZZTIME) deploy/dev/fuzz.sh

## build: compile every package
build:
	go build ./...

## services-up: start PostgreSQL and MinIO and leave them running; prints the env
services-up:
	deploy/dev/services.sh up

## services-down: stop the services that services.sh started
services-down:
	deploy/dev/services.sh down

## fmt: gofmt every package
fmt:
	go fmt ./...

## vet: go vet every package
vet:
	go vet ./...

## clean: stop the services and remove .data/ (databases, MinIO data, logs, binary)
clean:
	deploy/dev/services.sh clean
