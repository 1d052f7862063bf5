# LoadBalancer: an XDP/eBPF L4 load balancer with a C# control plane.
# `make` lists the targets. `make demo` and `make test` install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SECONDARY:

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

CLANG ?= clang
CC ?= cc
DOTNET ?= dotnet
CONFIG ?= Release
ARCH_INCLUDE := /usr/include/$(shell uname -m)-linux-gnu

BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -Wall -Werror -I$(ARCH_INCLUDE) -Ibpf/include
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,bpf/.output/%.bpf.o,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/include/*.h)
SHIM := native/.output/liblbshim.so

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
LIBDIR := $(DESTDIR)$(PREFIX)/lib/lb
TOPO ?= lbdev

RESULTS ?= TestResults
# $(call run-tests,PROJECT[,ARGS]): each test as it ends, then the failures again at the bottom
# (from the project's .trx), so the last screen of a long run names what failed.
run-tests = rm -f $(RESULTS)/$(notdir $(1)).trx; $(DOTNET) test $(1) -c $(CONFIG) --no-build $(2) --logger "console;verbosity=normal" \
	--logger "trx;LogFileName=$(notdir $(1)).trx" --results-directory $(RESULTS) \
	|| { scripts/test_failures.py $(RESULTS)/$(notdir $(1)).trx; exit 1; }

.PHONY: help all deps check-tools bpf native build demo test test-unit test-abi test-datapath \
        test-e2e bench install uninstall topo-up topo-down lint clean

help: ## list targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

all: build ## bpf + native + dotnet build

deps: ## install missing tools (apt, idempotent) and mount bpffs
	$(Q)scripts/deps.sh

check-tools: ## name any missing tool and stop
	$(Q)scripts/deps.sh --check

bpf: $(BPF_OBJS) ## compile bpf/*.bpf.c to bpf/.output/*.bpf.o (with BTF)

bpf/.output/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

native: $(SHIM) ## build native/liblbshim.so (libbpf log bridge)

$(SHIM): native/lbshim.c native/lbshim.h
	@mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -fPIC -shared -Wall -Wextra -Werror -o $@ $< -lbpf

build: bpf native ## dotnet build of the whole solution
	$(Q)$(DOTNET) build LoadBalancer.sln -c $(CONFIG) --nologo -v quiet -clp:ErrorsOnly

demo: deps build ## the main job: veth topology, lbd on its embedded config, traffic, live stats, a drain (root)
	$(Q)scripts/demo.sh

test: deps build ## everything CI runs: unit, ABI, datapath (root), end to end (root, netns)
	$(Q)scripts/topo.sh clean-tests
	$(Q)scripts/cluster_topo.sh clean-tests
	$(Q)$(MAKE) --no-print-directory test-unit test-datapath test-e2e

test-unit: ## Core unit tests; probes, BGP speaker and etcd store against real daemons (root); the ABI layout proof
	$(Q)$(call run-tests,tests/LoadBalancer.Core.Tests)
	$(Q)$(call run-tests,tests/LoadBalancer.ControlPlane.Tests)
	$(Q)$(call run-tests,tests/LoadBalancer.Bpf.Tests)

test-abi: ## the ABI layout proof alone
	$(Q)$(call run-tests,tests/LoadBalancer.Bpf.Tests,--filter "FullyQualifiedName~Abi")

test-datapath: ## packet fixtures through BPF_PROG_TEST_RUN (root)
	$(Q)$(call run-tests,tests/LoadBalancer.Datapath.Tests)

test-e2e: ## real TCP/UDP through veth namespaces (root)
	$(Q)$(call run-tests,tests/LoadBalancer.E2E.Tests)

bench: deps build ## ns/packet through BPF_PROG_TEST_RUN and control-plane benchmarks, as ratio tables
	$(Q)$(DOTNET) run -c $(CONFIG) --no-build --project bench/LoadBalancer.Benchmarks -- $(BENCH_ARGS)

install: deps build ## install lbd, lbctl, the unit file and an example /etc/lb/lb.yaml (root; PREFIX=/usr/local)
	$(Q)$(DOTNET) publish src/LoadBalancer.Daemon -c $(CONFIG) --nologo -v quiet -o $(LIBDIR)
	$(Q)$(DOTNET) publish src/LoadBalancer.Cli -c $(CONFIG) --nologo -v quiet -o $(LIBDIR)
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/share/doc/lb
	$(Q)ln -sf ../lib/lb/lbd $(DESTDIR)$(PREFIX)/bin/lbd
	$(Q)ln -sf ../lib/lb/lbctl $(DESTDIR)$(PREFIX)/bin/lbctl
	$(Q)sed 's|/usr/local|$(PREFIX)|g; s|/etc/lb/|$(SYSCONFDIR)/lb/|g' src/LoadBalancer.Daemon/lbd.service \
	    > $(DESTDIR)$(UNITDIR)/lbd.service
	$(Q)install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/lb/README.md
	$(Q)install -d -m 755 $(DESTDIR)$(SYSCONFDIR)/lb
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/lb/lb.yaml ] || \
	    install -m 644 src/LoadBalancer.Daemon/lb.example.yaml $(DESTDIR)$(SYSCONFDIR)/lb/lb.yaml
	$(Q)[ -n "$(DESTDIR)" ] || systemctl daemon-reload 2>/dev/null || true
	@echo "installed: $(PREFIX)/bin/lbd, $(PREFIX)/bin/lbctl, $(UNITDIR)/lbd.service;" \
	      "edit $(SYSCONFDIR)/lb/lb.yaml, then: systemctl enable --now lbd"

uninstall: ## remove what install put in place; keeps /etc/lb, the state and the running data plane
	$(Q)rm -rf $(LIBDIR) $(DESTDIR)$(PREFIX)/share/doc/lb
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/lbd $(DESTDIR)$(PREFIX)/bin/lbctl $(DESTDIR)$(UNITDIR)/lbd.service
	$(Q)[ -n "$(DESTDIR)" ] || systemctl daemon-reload 2>/dev/null || true

topo-up: ## veth topology for manual work (TOPO=lbdev names its namespaces)
	$(Q)scripts/topo.sh up $(TOPO)

topo-down: ## remove it
	$(Q)scripts/topo.sh down $(TOPO)

# The C sources are kernel style, formatted by hand: clang-format cannot keep their
# tab-aligned trailing comments, so .clang-format serves an editor formatting new
# lines, and lint checks the C# side; the C side is held by the build's -Wall -Werror.
lint: ## check C# style (dotnet format) without changing files
	$(Q)$(DOTNET) format LoadBalancer.sln --verify-no-changes

clean: ## remove build products and leftover test state
	$(Q)rm -rf bpf/.output native/.output $(RESULTS)
	$(Q)find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + 2>/dev/null || true
	$(Q)scripts/topo.sh clean-tests || true
	$(Q)scripts/cluster_topo.sh clean-tests || true
