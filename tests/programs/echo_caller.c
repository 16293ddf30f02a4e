/*
 * A client of the echo service for its tests: through its link ("echo")
 * and through the endpoint ("ep") at once in the same loop, ECHO_CALLER_ROUNDS
 * requests each, every answer checked against what it sent (bytes that
 * differ per caller, by its starter's word). It reports to "report" how
 * many of each came back right.
 */
#include <kaal/program.h>

#include "echo/echo.h"
#include "programs.h"

#define CALL_NS   (UINT64_C(10) * 1000 * 1000 * 1000)
#define RING_PAGE 0u

static bool through_link(struct kaal_driver_client *c, kaal_word who, uint32_t round)
{
	struct kaal_echo_request q = {KAAL_ECHO, ECHO_CALLER_BYTES, round, {0}};
	for (uint32_t i = 0; i < ECHO_CALLER_BYTES; i++)
		q.data[i] = (uint8_t)(who * 31 + round + i);
	struct kaal_echo_reply a;
	if (kaal_driver_call(c, &q, &a, CALL_NS) != KAAL_OK || a.status != KAAL_OK ||
	    a.tag != round || a.count != ECHO_CALLER_BYTES)
		return false;
	for (uint32_t i = 0; i < ECHO_CALLER_BYTES; i++)
		if (a.data[i] != q.data[i])
			return false;
	return true;
}

static bool through_endpoint(kaal_cptr ep, kaal_word who, uint32_t round)
{
	struct kaal_msg m = {kaal_msg_info(KAAL_ECHO_LABEL, 2, 0), {who, round}, 0};
	return kaal_call(ep, &m) == KAAL_OK && kaal_msg_label(m.info) == KAAL_ECHO_LABEL &&
	       m.mr[0] == who && m.mr[1] == round;
}

static int echo_caller_main(const struct kaal_start_info *si)
{
	kaal_cptr to, ep;
	struct kaal_driver_client c;
	if (kaal_start_cap(si, "report", &to) != KAAL_OK ||
	    kaal_start_cap(si, "ep", &ep) != KAAL_OK ||
	    kaal_driver_open(&c, si, "echo", RING_PAGE) != KAAL_OK)
		return PROGRAM_NO_CAP;
	kaal_word link_ok = 0, ep_ok = 0;
	for (uint32_t round = 0; round < ECHO_CALLER_ROUNDS; round++) {
		link_ok += through_link(&c, si->arg, round);
		ep_ok += through_endpoint(ep, si->arg, round);
	}
	struct kaal_msg msg = {kaal_msg_info(ECHO_CALLER_LABEL, 2, 0), {link_ok, ep_ok}, 0};
	return kaal_send(to, &msg) == KAAL_OK ? 0 : PROGRAM_SEND_FAILED;
}

KAAL_PROGRAM(echo_caller, echo_caller_main)
