/*
 * Scenario: capabilities moving between processes. The root task grants a
 * child process a badged, Write-only notification capability over an
 * endpoint; the child can signal with it (the root sees the badge) but not
 * wait, poll or peek, nor derive more rights or another badge. Revoking the
 * root's original reaches the child's copies. An endpoint capability
 * without Grant moves the message but not the capability, both ways.
 *
 * The child is a server: it receives a call, does what the call's label
 * asks, and replies with the status of every step, until told to quit.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#define PLAN 17

/* The child's CNode: 2^RADIX slots. */
#define RADIX 6

/* Slots of the child's CNode. */
enum child_slot {
	SLOT_SELF = 1,     /* its own CNode, unguarded: slots are named {SLOT_SELF, i, RADIX} */
	SLOT_IPC = 2,      /* its IPC buffer frame */
	SLOT_EP = 3,       /* the endpoint it serves: Read only */
	SLOT_RECEIVED = 4, /* where granted capabilities land */
	SLOT_COPY = 5,     /* the child's own copy of what it received */
	SLOT_SCRATCH = 6   /* for derivations that must fail */
};

#define CHILD_IPC_VADDR 0x10000000u

/* Call labels: what the child does. */
enum step { STEP_GRANT = 1, STEP_REVOKED, STEP_NO_GRANT, STEP_REPLY_CAP, STEP_QUIT };

#define BADGE      0x40u
#define BADGE_MORE 0x41u
#define BADGE_LOST 0x80u
#define ECHO_WORD  0x5678u

/* Answers to STEP_GRANT. */
enum grant_answer {
	G_RECEIVED,    /* 1 if the message said a capability arrived */
	G_IDENTIFY,    /* status of identify on the receiving slot */
	G_TYPE,        /* what it holds */
	G_RIGHTS,      /* with which rights */
	G_BADGE,       /* and which badge */
	G_SIGNAL,      /* signal through it */
	G_WAIT,        /* wait on it */
	G_POLL,        /* poll it */
	G_PEEK,        /* peek at it */
	G_DERIVE_RW,   /* derive a Read-Write copy */
	G_REBADGE,     /* mint another badge */
	G_COPY,        /* copy it to SLOT_COPY */
	G_SIGNAL_COPY, /* signal through the copy */
	G_WORDS
};

/* Answers to STEP_REVOKED. */
enum revoked_answer {
	V_SIGNAL,      /* signal through the received capability */
	V_IDENTIFY,    /* status of identify on its slot */
	V_TYPE,        /* what the slot holds */
	V_COPY_TYPE,   /* what the copy's slot holds */
	V_SIGNAL_COPY, /* signal through the copy */
	V_WORDS
};

/* Answers to STEP_NO_GRANT. */
enum no_grant_answer { N_RECEIVED, N_TYPE, N_ECHO, N_WORDS };

static struct kaal_broker broker;
static kaal_cptr root;

static uint8_t child_stack[16384] __attribute__((aligned(16)));

/* ---- The child. It names slots only in its own CSpace. */

static struct kaal_slot_ref own(kaal_word index)
{
	struct kaal_slot_ref s = {SLOT_SELF, index, RADIX};
	return s;
}

static kaal_word own_type(kaal_word index, kaal_word *status)
{
	struct kaal_cap_info info = {.type = KAAL_CAP_TYPE_COUNT};
	kaal_status st = kaal_cnode_identify(own(index), &info);
	if (status)
		*status = st;
	return st == KAAL_OK ? info.type : KAAL_CAP_TYPE_COUNT;
}

/* Do what the call asks; the answer words go to w, their number is returned. */
static unsigned serve(const struct kaal_msg *m, kaal_word *w)
{
	kaal_word bits;
	struct kaal_cap_info info = {.type = KAAL_CAP_TYPE_COUNT};
	switch (kaal_msg_label(m->info)) {
	case STEP_GRANT:
		w[G_RECEIVED] = (m->info & KAAL_MSG_CAP_RECEIVED) != 0;
		w[G_IDENTIFY] = kaal_cnode_identify(own(SLOT_RECEIVED), &info);
		w[G_TYPE] = info.type;
		w[G_RIGHTS] = info.rights;
		w[G_BADGE] = info.badge;
		/* Signal first: were wait allowed, it would take these bits, not block. */
		w[G_SIGNAL] = kaal_signal(SLOT_RECEIVED, 0x1);
		w[G_WAIT] = kaal_wait(SLOT_RECEIVED, &bits);
		w[G_POLL] = kaal_poll(SLOT_RECEIVED, &bits);
		w[G_PEEK] = kaal_peek(SLOT_RECEIVED, &bits);
		w[G_DERIVE_RW] = kaal_cnode_derive(own(SLOT_SCRATCH), own(SLOT_RECEIVED),
		                                   KAAL_RIGHT_READ | KAAL_RIGHT_WRITE);
		w[G_REBADGE] = kaal_cnode_mint(own(SLOT_SCRATCH), own(SLOT_RECEIVED),
		                               KAAL_RIGHT_WRITE, BADGE_MORE);
		w[G_COPY] = kaal_cnode_copy(own(SLOT_COPY), own(SLOT_RECEIVED));
		w[G_SIGNAL_COPY] = kaal_signal(SLOT_COPY, 0x2);
		return G_WORDS;
	case STEP_REVOKED:
		w[V_SIGNAL] = kaal_signal(SLOT_RECEIVED, 0x1);
		w[V_TYPE] = own_type(SLOT_RECEIVED, &w[V_IDENTIFY]);
		w[V_COPY_TYPE] = own_type(SLOT_COPY, 0);
		w[V_SIGNAL_COPY] = kaal_signal(SLOT_COPY, 0x2);
		return V_WORDS;
	case STEP_NO_GRANT:
		w[N_RECEIVED] = (m->info & KAAL_MSG_CAP_RECEIVED) != 0;
		w[N_TYPE] = own_type(SLOT_RECEIVED, 0);
		w[N_ECHO] = m->mr[0];
		return N_WORDS;
	default:
		return 0;
	}
}

static void child(kaal_word arg)
{
	(void)arg;
	/* Without its IPC buffer the child still answers (four words, no capabilities). */
	void *mapped = 0;
	struct kaal_ipc_buffer *ipc = 0;
	if (kaal_map(SLOT_IPC, CHILD_IPC_VADDR, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &mapped) ==
	        KAAL_OK &&
	    (uintptr_t)mapped == CHILD_IPC_VADDR)
		ipc = mapped;
	kaal_set_ipc_buffer(ipc);
	if (ipc) {
		ipc->receive_root = SLOT_SELF;
		ipc->receive_index = SLOT_RECEIVED;
		ipc->receive_depth = RADIX;
	}
	struct kaal_msg m;
	kaal_status st = kaal_recv(SLOT_EP, &m);
	while (st == KAAL_OK) {
		kaal_word w[KAAL_MSG_MAX_WORDS];
		kaal_word label = kaal_msg_label(m.info);
		unsigned len = serve(&m, w);
		if (!ipc && len > KAAL_MSG_FAST_WORDS)
			len = KAAL_MSG_FAST_WORDS;
		unsigned caps = 0;
		if (label == STEP_REPLY_CAP && ipc) {
			/* The child's endpoint capability has no Grant: this must not arrive. */
			ipc->send_cap = SLOT_IPC;
			caps = 1;
		}
		m.info = kaal_msg_info(label, len, caps);
		for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
			m.mr[i] = i < len ? w[i] : 0;
		for (unsigned i = KAAL_MSG_FAST_WORDS; i < len; i++)
			ipc->msg[i] = w[i];
		if (label == STEP_QUIT) {
			kaal_reply(&m);
			return;
		}
		st = kaal_reply_recv(SLOT_EP, &m);
	}
}

/* ---- The root task. */

static struct kaal_slot_ref slot_of(kaal_cptr slot)
{
	return kaal_root_slot(root, slot);
}

static kaal_cptr child_cnode; /* as retyped, no guard: the root names its slots at depth RADIX */

static struct kaal_slot_ref in_child(kaal_word index)
{
	struct kaal_slot_ref s = {child_cnode, index, RADIX};
	return s;
}

static struct kaal_cap_info identify(kaal_cptr slot)
{
	struct kaal_cap_info info = {.type = KAAL_CAP_TYPE_COUNT};
	kaal_cnode_identify(slot_of(slot), &info);
	return info;
}

/* One object made from its own block of broker memory, in a fresh slot. */
static kaal_status create(unsigned type, unsigned size_bits, kaal_cptr *slot)
{
	struct kaal_memory mem;
	kaal_status st = kaal_broker_allocate_memory(&broker, 4096, 0, &mem);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, slot);
	if (st == KAAL_OK)
		st = kaal_untyped_retype(mem.cap, type, size_bits, 1, slot_of(root), *slot, 0);
	return st;
}

/*
 * The child: a CNode as its CSpace, a VSpace, a thread, an IPC buffer, its
 * own CNode and the endpoint.
 */
static kaal_status child_create(kaal_cptr ep, kaal_cptr *thread)
{
	kaal_cptr cspace = 0, ipc = 0, vspace = 0;
	kaal_status st = create(KAAL_CAP_CNODE, RADIX, &child_cnode);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, &cspace);
	/* A CNode's badge is its guard: size in bits 0-5, value above. 58 zero bits + 6 = 64. */
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(cspace), slot_of(child_cnode), KAAL_RIGHTS_ALL,
		                     KAAL_WORD_BITS - RADIX);
	if (st == KAAL_OK)
		st = kaal_broker_create_thread(&broker, thread);
	if (st == KAAL_OK)
		st = create(KAAL_CAP_FRAME, KAAL_PAGE_BITS, &ipc);
	if (st == KAAL_OK)
		st = kaal_thread_configure(*thread, cspace, ipc, 100);
	if (st == KAAL_OK)
		st = kaal_broker_create_vspace(&broker, &vspace);
	if (st == KAAL_OK)
		st = kaal_thread_set_vspace(*thread, vspace);
	if (st == KAAL_OK)
		st = kaal_cnode_copy(in_child(SLOT_SELF), slot_of(child_cnode));
	if (st == KAAL_OK)
		st = kaal_cnode_copy(in_child(SLOT_IPC), slot_of(ipc));
	if (st == KAAL_OK)
		st = kaal_cnode_derive(in_child(SLOT_EP), slot_of(ep), KAAL_RIGHT_READ);
	return st;
}

/* Call the child; the answer words land in w. */
static kaal_status call_child(kaal_cptr ep, enum step step, kaal_word word, unsigned caps,
                              kaal_word *info, kaal_word *w)
{
	struct kaal_msg m = {kaal_msg_info(step, 1, caps), {word, 0, 0, 0}, 0};
	kaal_status st = kaal_call(ep, &m);
	const struct kaal_ipc_buffer *ipc = kaal_ipc_buffer();
	unsigned len = kaal_msg_length(m.info);
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		w[i] = i < KAAL_MSG_FAST_WORDS ? m.mr[i] : ipc && i < len ? ipc->msg[i] : 0;
	*info = m.info;
	return st;
}

static bool check_status(kaal_word got, kaal_status want, const char *what)
{
	bool ok = kaal_tap_ok(got == (kaal_word)want, what);
	if (!ok) {
		kaal_diag_str("  got ");
		kaal_diag_str(kaal_status_name((long)got));
		kaal_diag_str(", expected ");
		kaal_diag_str(kaal_status_name(want));
		kaal_diag_end();
	}
	return ok;
}

int kaal_scenario_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	root = bi->root_cnode_cptr;
	struct kaal_ipc_buffer *ipc = kaal_ipc_buffer();
	if (kaal_broker_init(&broker, bi) != KAAL_OK || !ipc) {
		kaal_tap_diag("no broker or no IPC buffer for the root task");
		return 1;
	}

	/* 1: the child process. */
	kaal_cptr ntfn = 0, ep = 0, thread = 0;
	kaal_status st = kaal_broker_create_notification(&broker, &ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_endpoint(&broker, &ep);
	if (st == KAAL_OK)
		st = child_create(ep, &thread);
	if (!check_status(st, KAAL_OK, "create a child process with its own CSpace"))
		return (int)kaal_tap_failures();

	/* 2: the capability to grant: Write only, badge 0x40. */
	kaal_cptr minted = 0;
	st = kaal_broker_alloc_slot(&broker, &minted);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(minted), slot_of(ntfn), KAAL_RIGHT_WRITE, BADGE);
	struct kaal_cap_info info = identify(minted);
	kaal_tap_ok(st == KAAL_OK && info.type == KAAL_CAP_NOTIFICATION &&
	                info.rights == KAAL_RIGHT_WRITE && info.badge == BADGE,
	            "mint a Write-only notification capability with badge 0x40");

	/* 3 */
	st = kaal_thread_start(thread, child, child_stack + sizeof(child_stack), 0, NULL);
	if (!check_status(st, KAAL_OK, "start the child"))
		return (int)kaal_tap_failures();

	/* 4-10: grant it over the endpoint (the root's capability has Grant). */
	kaal_word w[KAAL_MSG_MAX_WORDS], reply_info = 0, bits = 0;
	ipc->send_cap = minted;
	st = call_child(ep, STEP_GRANT, 0, 1, &reply_info, w);
	kaal_tap_ok(st == KAAL_OK && w[G_RECEIVED] == 1,
	            "call with the capability: the child received it");
	kaal_tap_ok(w[G_IDENTIFY] == KAAL_OK && w[G_TYPE] == KAAL_CAP_NOTIFICATION &&
	                w[G_RIGHTS] == KAAL_RIGHT_WRITE && w[G_BADGE] == BADGE,
	            "in the child's slot: a notification, Write only, badge 0x40");
	kaal_status polled = kaal_poll(ntfn, &bits);
	kaal_tap_ok(w[G_SIGNAL] == KAAL_OK && w[G_SIGNAL_COPY] == KAAL_OK && polled == KAAL_OK &&
	                bits == BADGE,
	            "the child signals with it; the root's notification sees the badge 0x40");
	kaal_diag_str("root polled ");
	kaal_diag_hex(bits);
	kaal_diag_str(" after the child signalled 0x1 and 0x2");
	kaal_diag_end();
	kaal_tap_ok(w[G_WAIT] == KAAL_MISSING_RIGHT && w[G_POLL] == KAAL_MISSING_RIGHT &&
	                w[G_PEEK] == KAAL_MISSING_RIGHT,
	            "the child's wait, poll and peek on it: KAAL_MISSING_RIGHT");
	kaal_tap_ok(w[G_DERIVE_RW] == KAAL_MISSING_RIGHT && w[G_REBADGE] == KAAL_ALREADY_BADGED,
	            "the child cannot derive Read, nor mint another badge");
	check_status(w[G_COPY], KAAL_OK, "the child copies it within its CSpace");
	info = identify(minted);
	kaal_tap_ok(info.type == KAAL_CAP_NOTIFICATION && info.badge == BADGE,
	            "the root still holds what it granted (transfer copies)");

	/* 11-14: revoke the original; the child's copies go with the root's. */
	st = kaal_cnode_revoke(slot_of(ntfn));
	kaal_tap_ok(
	    st == KAAL_OK && identify(minted).type == KAAL_CAP_NULL &&
	        identify(ntfn).type == KAAL_CAP_NOTIFICATION,
	    "revoke the root's original: the minted capability is gone, the original stays");
	st = call_child(ep, STEP_REVOKED, 0, 0, &reply_info, w);
	check_status(st == KAAL_OK ? w[V_SIGNAL] : (kaal_word)st, KAAL_SLOT_EMPTY,
	             "the child's signal through the received capability: KAAL_SLOT_EMPTY");
	kaal_tap_ok(w[V_IDENTIFY] == KAAL_OK && w[V_TYPE] == KAAL_CAP_NULL &&
	                w[V_COPY_TYPE] == KAAL_CAP_NULL && w[V_SIGNAL_COPY] == KAAL_SLOT_EMPTY,
	            "identify in the child: both its slots hold KAAL_CAP_NULL");
	polled = kaal_poll(ntfn, &bits);
	kaal_tap_ok(polled == KAAL_OK && bits == 0, "nothing reached the root's notification");

	/* 15: an endpoint capability without Grant carries the message, not the capability. */
	kaal_cptr lost = 0, no_grant = 0;
	st = kaal_broker_alloc_slot(&broker, &lost);
	if (st == KAAL_OK)
		st = kaal_cnode_mint(slot_of(lost), slot_of(ntfn), KAAL_RIGHT_WRITE, BADGE_LOST);
	if (st == KAAL_OK)
		st = kaal_broker_alloc_slot(&broker, &no_grant);
	if (st == KAAL_OK)
		st = kaal_cnode_derive(slot_of(no_grant), slot_of(ep),
		                       KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY);
	ipc->send_cap = lost;
	if (st == KAAL_OK)
		st = call_child(no_grant, STEP_NO_GRANT, ECHO_WORD, 1, &reply_info, w);
	kaal_tap_ok(st == KAAL_OK && w[N_ECHO] == ECHO_WORD && w[N_RECEIVED] == 0 &&
	                w[N_TYPE] == KAAL_CAP_NULL,
	            "call without Grant: the message arrives, the capability does not");

	/* 16: nor can the child's reply carry one: its endpoint capability has no Grant. */
	kaal_cptr landing = 0;
	st = kaal_broker_alloc_slot(&broker, &landing);
	ipc->send_cap = 0;
	ipc->receive_root = root;
	ipc->receive_index = landing;
	ipc->receive_depth = KAAL_WORD_BITS;
	if (st == KAAL_OK)
		st = call_child(ep, STEP_REPLY_CAP, 0, 0, &reply_info, w);
	kaal_tap_ok(st == KAAL_OK && !(reply_info & KAAL_MSG_CAP_RECEIVED) &&
	                identify(landing).type == KAAL_CAP_NULL,
	            "the child's reply offering a capability: it does not arrive");
	ipc->receive_root = 0;
	ipc->receive_index = 0;
	ipc->receive_depth = 0;

	/* 17: the last call; the child returns after its reply. */
	st = call_child(ep, STEP_QUIT, 0, 0, &reply_info, w);
	kaal_tap_ok(st == KAAL_OK && kaal_msg_label(reply_info) == STEP_QUIT,
	            "the child answers the last call and returns");
	return (int)kaal_tap_failures();
}
