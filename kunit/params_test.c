// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for kmod/params.c: what the module parameters and netlink
 * attributes accept and reject.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/errno.h>

#include "params.h"

static void teredo_parse_server_valid(struct kunit *test)
{
	__be32 a = 0;

	KUNIT_EXPECT_EQ(test, teredo_parse_server("198.51.100.1", &a), 0);
	KUNIT_EXPECT_EQ(test, a, htonl(0xc6336401));
	/* sysfs and modprobe.d values may carry one trailing newline */
	KUNIT_EXPECT_EQ(test, teredo_parse_server("192.0.2.1\n", &a), 0);
	KUNIT_EXPECT_EQ(test, a, htonl(0xc0000201));
	/* RFC 4380 example server */
	KUNIT_EXPECT_EQ(test, teredo_parse_server("65.54.227.120", &a), 0);
	KUNIT_EXPECT_EQ(test, a, htonl(0x4136e378));
}

static void teredo_parse_server_syntax(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4x",
		" 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n\n", "2001:db8::1",
		"example.org", "-1.2.3.4",
	};
	__be32 a = htonl(0x01020304);
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_server(bad[i], &a),
				    -EINVAL, "input \"%s\"", bad[i]);
	}
	/* a failed parse leaves the old value alone */
	KUNIT_EXPECT_EQ(test, a, htonl(0x01020304));
	KUNIT_EXPECT_EQ(test, teredo_parse_server(NULL, &a), -EINVAL);
	KUNIT_EXPECT_EQ(test, teredo_parse_server("1.2.3.4", NULL), -EINVAL);
}

static void teredo_parse_server_not_unicast(struct kunit *test)
{
	static const char * const bad[] = {
		"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254",
		"224.0.0.1", "239.255.255.250", "255.255.255.255",
		"169.254.1.1",
		/* not global unicast (RFC 4380 5.2.4), as Miredo refuses */
		"10.0.0.1", "10.77.1.1", "172.16.0.1", "172.31.255.254",
		"192.168.1.1", "192.88.99.1", "100.64.0.1", "192.0.0.9",
		"240.0.0.1",
	};
	__be32 a = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, teredo_parse_server(bad[i], &a),
				    -EADDRNOTAVAIL, "input \"%s\"", bad[i]);
	}
	KUNIT_EXPECT_EQ(test, a, 0);
}

static void teredo_check_port_range(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, teredo_check_port(0), 0);
	KUNIT_EXPECT_EQ(test, teredo_check_port(1), 0);
	KUNIT_EXPECT_EQ(test, teredo_check_port(3544), 0);
	KUNIT_EXPECT_EQ(test, teredo_check_port(65535), 0);
	KUNIT_EXPECT_EQ(test, teredo_check_port(-1), -ERANGE);
	KUNIT_EXPECT_EQ(test, teredo_check_port(65536), -ERANGE);
}

static struct kunit_case teredo_params_cases[] = {
	KUNIT_CASE(teredo_parse_server_valid),
	KUNIT_CASE(teredo_parse_server_syntax),
	KUNIT_CASE(teredo_parse_server_not_unicast),
	KUNIT_CASE(teredo_check_port_range),
	{}
};

static struct kunit_suite teredo_params_suite = {
	.name = "teredo_params",
	.test_cases = teredo_params_cases,
};

kunit_test_suite(teredo_params_suite);

MODULE_DESCRIPTION("KUnit tests for teredo module parameter validation");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
