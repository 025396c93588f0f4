# SPDX-License-Identifier: GPL-2.0
#
# kteredo: make | demo | check | kunit | e2e | kernel | bench | stress |
#          fuzz | lint | install | uninstall | dkms-install |
#          dkms-uninstall | deps | clean
#
# Modules are built against Debian's own kernel (6.1 on Debian 12) when its
# headers and image are installed, else the newest that has both
# (scripts/kver.sh); KVER= or KDIR= override it.
# make install and make uninstall default to the running kernel instead.
# KUnit and the e2e tests run on the debug kernel of scripts/kernel.sh;
# E2E_KERNEL=stock runs the e2e tests on Debian's kernel instead.

ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
KVER ?= $(shell scripts/kver.sh --running)
endif
KVER ?= $(shell scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell scripts/version.sh)

PREFIX ?= /usr/local
DESTDIR ?=
# where make install puts the modules, under /lib/modules/$(KVER)/
MODDIR := updates/kteredo

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=1 KTEREDO_VERSION=$(VERSION)

E2E_KERNEL ?= debug
export E2E_KERNEL
# the stock kernel vm.sh boots: the one the modules were built for
export KVER

.PHONY: all modules userspace deps demo check kunit e2e kernel bench stress \
	fuzz lint sparse install uninstall dkms-install dkms-uninstall clean

all: modules userspace

modules:
	$(KMAKE) modules

userspace:
	$(MAKE) -C userspace VERSION=$(VERSION)

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

# the stress tests at full size on the debug kernel, with their figures.
# Paced at 500 datagrams a second: unpaced (~1100/s under TCG) the debug
# kernel's frees deferred to RCU grace periods pile up (~3 GB at 10^6,
# out of memory in 2 GB) and the client loses its server behind the
# storm; at 500/s a 10^5 storm peaked at 77 MB of slab over 37 MB before.
stress: deps
	$(MAKE) all
	E2E_STRESS=full E2E_VERBOSE=1 E2E_TIMEOUT=$${E2E_TIMEOUT:-10800} \
		E2E_VM_MB=$${E2E_VM_MB:-6144} \
		E2E_STRESS_RATE=$${E2E_STRESS_RATE:-500} \
		scripts/e2e/run.sh 'stress-*'

fuzz:
	$(MAKE) -C kunit/fuzz run

lint:
	scripts/lint.sh

sparse:
	$(KMAKE) C=2 modules

# The two modules (not the samples) for $(KVER), depmod'ed so that modprobe
# finds them; the public headers and Module.symvers for modules that use
# teredo's exported symbols; teredoctl and the rest of userspace/.
# DESTDIR= stages everything (a package build): depmod is then left to the
# package's own scripts.
KINC = $(DESTDIR)$(PREFIX)/include/kteredo
KMODS = $(DESTDIR)/lib/modules/$(KVER)/$(MODDIR)

install:
	$(KMAKE) KTEREDO_SAMPLES=n modules
	$(KMAKE) KTEREDO_SAMPLES=n INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(MODDIR) modules_install
	install -m 0644 kmod/Module.symvers $(KMODS)/Module.symvers
	install -d $(KINC)/linux $(KINC)/uapi/linux
	install -m 0644 kmod/include/linux/teredo.h \
		kmod/include/linux/nf_conntrack_teredo.h $(KINC)/linux/
	install -m 0644 kmod/include/uapi/linux/teredo.h $(KINC)/uapi/linux/
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) \
		VERSION=$(VERSION)

uninstall:
	rm -f $(KMODS)/teredo.ko* $(KMODS)/nf_conntrack_teredo.ko* \
		$(KMODS)/Module.symvers
	-rmdir $(KMODS)
	rm -f $(KINC)/linux/teredo.h $(KINC)/linux/nf_conntrack_teredo.h \
		$(KINC)/uapi/linux/teredo.h
	-rmdir $(KINC)/uapi/linux $(KINC)/uapi $(KINC)/linux $(KINC)
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# DKMS: the module sources as /usr/src/kteredo-$(VERSION), added to DKMS,
# built and installed for every installed kernel and rebuilt on kernel
# updates.
DKMS_SRC = $(DESTDIR)/usr/src/kteredo-$(VERSION)

dkms-install:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -r kmod/Kbuild kmod/include $(DKMS_SRC)/
	cp $$(ls kmod/*.[ch] | grep -v '\.mod\.c$$') $(DKMS_SRC)/
	echo $(VERSION) >$(DKMS_SRC)/VERSION
	sed 's/@VERSION@/$(VERSION)/' kmod/dkms.conf.in >$(DKMS_SRC)/dkms.conf
	$(if $(DESTDIR),,dkms add kteredo/$(VERSION))
	$(if $(DESTDIR),,dkms install kteredo/$(VERSION))

dkms-uninstall:
	-$(if $(DESTDIR),,dkms remove kteredo/$(VERSION) --all)
	rm -rf $(DKMS_SRC)

clean:
	$(KMAKE) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C scripts/stress clean
	rm -rf build
