/*
 * The channel's wakeup protocol (src/runtime/channel.c) on a machine with a
 * store buffer per thread (x86-TSO): a store waits in its thread's buffer
 * until the buffer drains it to memory, in order; a thread's load sees its
 * own newest buffered store to that word, else memory; a fence waits until
 * the buffer is empty; a read-modify-write drains the buffer and then acts
 * on memory at once. This is exactly the reordering a store-load fence
 * exists for, and it is allowed by C11 too.
 *
 * A producer sends ITEMS elements through a ring of CAPACITY slots to a
 * consumer; each side blocks forever (KAAL_CHANNEL_FOREVER) with no
 * spinning. A notification is a pending bit: a signal sets it, a wait
 * takes it or sleeps until it is set, atomically. A lost wakeup leaves a
 * side asleep at the end, which Spin reports as an invalid end state.
 *
 * -DNO_ANNOUNCE_FENCE removes the fence between a side's "I may sleep" flag
 * and its last look at the ring; -DNO_WAKE_FENCE the fence between a side's
 * progress and its look at the peer's flag. Each must make the check fail.
 */

#ifndef CAPACITY
#define CAPACITY 1
#endif
#ifndef ITEMS
#define ITEMS 3
#endif
#define BUFFER 3 /* a store buffer holds at most this many stores */

/* The shared words, as indices into mem[]. */
#define HEAD 0     /* the consumer's index: elements taken */
#define TAIL 1     /* the producer's index: elements published */
#define P_WAITING 2 /* producer_waiting */
#define C_WAITING 3 /* consumer_waiting */
#define WORDS 4

#define PRODUCER 0
#define CONSUMER 1

byte mem[WORDS];
byte sb_word[2 * BUFFER];
byte sb_value[2 * BUFFER];
byte sb_count[2];
bit pending[2]; /* each side's notification: the producer's, the consumer's */
byte received;

inline store(t, w, v)
{
	atomic {
		assert(sb_count[t] < BUFFER);
		sb_word[t * BUFFER + sb_count[t]] = w;
		sb_value[t * BUFFER + sb_count[t]] = v;
		sb_count[t]++
	}
}

/* r = the newest value of word w that thread t can see. */
inline load(t, w, r)
{
	atomic {
		r = mem[w];
		i = 0;
		do
		:: i < sb_count[t] ->
			if
			:: sb_word[t * BUFFER + i] == w -> r = sb_value[t * BUFFER + i]
			:: else -> skip
			fi;
			i++
		:: else -> break
		od
	}
}

inline fence(t)
{
	sb_count[t] == 0
}

/* r = word w, which becomes v: a locked read-modify-write. */
inline exchange(t, w, v, r)
{
	atomic {
		sb_count[t] == 0;
		r = mem[w];
		mem[w] = v
	}
}

/* The buffer drains its oldest store whenever it likes. */
proctype drain(byte t)
{
	byte j;
end:
	do
	:: atomic {
		sb_count[t] > 0;
		mem[sb_word[t * BUFFER]] = sb_value[t * BUFFER];
		j = 1;
		do
		:: j < sb_count[t] ->
			sb_word[t * BUFFER + j - 1] = sb_word[t * BUFFER + j];
			sb_value[t * BUFFER + j - 1] = sb_value[t * BUFFER + j];
			j++
		:: else -> break
		od;
		sb_count[t]--
	}
	od
}

/* moved = whether the side moved an element (a push or a pop of the ring). */
inline try_move(t, mine, moved)
{
	if
	:: t == PRODUCER ->
		load(t, HEAD, other);
		if
		:: mine - other < CAPACITY -> mine++; store(t, TAIL, mine); moved = 1
		:: else -> moved = 0
		fi
	:: else ->
		load(t, TAIL, other);
		if
		:: other != mine -> mine++; store(t, HEAD, mine); received++; moved = 1
		:: else -> moved = 0
		fi
	fi
}

/* After progress: signal the peer if, and only if, its flag is up. */
inline wake_peer(t, peer_flag)
{
#ifndef NO_WAKE_FENCE
	fence(t);
#endif
	load(t, peer_flag, seen);
	if
	:: seen != 0 ->
		exchange(t, peer_flag, 0, seen);
		if
		:: seen != 0 -> pending[1 - t] = 1
		:: else -> skip
		fi
	:: else -> skip
	fi
}

proctype side(byte t; byte own_flag; byte peer_flag)
{
	byte mine = 0, other, seen, i, done = 0;
	bit moved;
	do
	:: done == ITEMS -> break
	:: else ->
		try_move(t, mine, moved);
		if
		:: moved -> wake_peer(t, peer_flag); done++
		:: else ->
			/* Announce, fence, look again. */
			store(t, own_flag, 1);
#ifndef NO_ANNOUNCE_FENCE
			fence(t);
#endif
			try_move(t, mine, moved);
			if
			:: moved -> store(t, own_flag, 0); wake_peer(t, peer_flag); done++
			:: else -> atomic { pending[t] == 1 -> pending[t] = 0 }
			fi
		fi
	od
}

init
{
	atomic {
		run drain(PRODUCER);
		run drain(CONSUMER);
		run side(PRODUCER, P_WAITING, C_WAITING);
		run side(CONSUMER, C_WAITING, P_WAITING)
	}
	(_nr_pr == 3); /* both sides finished; the drains stay */
	assert(received == ITEMS)
}
