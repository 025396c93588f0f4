# SPDX-License-Identifier: GPL-2.0
#
# kteredo: make | demo | check | kunit | e2e | kernel | bench | stress |
#          fuzz | lint | install | deps | clean
#
# Modules are built against the newest installed Debian kernel that has
# headers and an image (scripts/kver.sh); KVER= or KDIR= override it.
# KUnit and the e2e tests run on the debug kernel of scripts/kernel.sh;
# E2E_KERNEL=stock runs the e2e tests on Debian's kernel instead.

KVER ?= $(shell scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1

E2E_KERNEL ?= debug
export E2E_KERNEL

.PHONY: all modules userspace deps demo check kunit e2e kernel bench stress \
	fuzz lint sparse install clean

all: modules userspace

modules:
	$(KMAKE) modules

userspace:
	$(MAKE) -C userspace

deps:
	scripts/deps.sh

check: deps
	scripts/check.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh

kunit: deps
	scripts/kunit.sh

kernel: deps
	scripts/kernel.sh --print

e2e: deps
	$(MAKE) all
	scripts/e2e/run.sh $(T)

bench: deps
	$(MAKE) all
	scripts/bench.sh

# the stress tests at full size on the debug kernel, with their figures
# (the flood at 10^6 takes about 2 h of it)
stress: deps
	$(MAKE) all
	E2E_STRESS=full E2E_VERBOSE=1 E2E_TIMEOUT=$${E2E_TIMEOUT:-10800} \
		scripts/e2e/run.sh 'stress-*'

fuzz:
	$(MAKE) -C kunit/fuzz run

lint:
	scripts/lint.sh

sparse:
	$(KMAKE) C=2 modules

install: modules
	$(KMAKE) modules_install
	$(MAKE) -C userspace install

clean:
	$(KMAKE) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C scripts/stress clean
	rm -rf build
