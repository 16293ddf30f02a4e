/* Names of the ABI's thread states and capability types, for messages such as a shell's. */
#include <kaal/sdk.h>

static const char *const state_names[KAAL_THREAD_STATE_COUNT] = {
    [KAAL_THREAD_INACTIVE] = "inactive",
    [KAAL_THREAD_RUNNING] = "running",
    [KAAL_THREAD_WAIT_NOTIFICATION] = "wait-notification",
    [KAAL_THREAD_WAIT_SEND] = "wait-send",
    [KAAL_THREAD_WAIT_RECEIVE] = "wait-receive",
    [KAAL_THREAD_WAIT_REPLY] = "wait-reply",
};

static const char *const type_names[KAAL_CAP_TYPE_COUNT] = {
    [KAAL_CAP_NULL] = "null",
    [KAAL_CAP_UNTYPED] = "untyped",
    [KAAL_CAP_FRAME] = "frame",
    [KAAL_CAP_DEVICE_FRAME] = "device-frame",
    [KAAL_CAP_IRQ_HANDLER] = "irq-handler",
    [KAAL_CAP_ENDPOINT] = "endpoint",
    [KAAL_CAP_NOTIFICATION] = "notification",
    [KAAL_CAP_CNODE] = "cnode",
    [KAAL_CAP_THREAD] = "thread",
    [KAAL_CAP_REPLY] = "reply",
    [KAAL_CAP_VSPACE] = "vspace",
};

const char *kaal_thread_state_name(unsigned state)
{
	return state < KAAL_THREAD_STATE_COUNT ? state_names[state] : "?";
}

const char *kaal_cap_type_name(unsigned type)
{
	return type < KAAL_CAP_TYPE_COUNT ? type_names[type] : "?";
}
