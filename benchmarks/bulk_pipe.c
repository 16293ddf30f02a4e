/*
 * Bulk messages through a pipe as large as the rings: write() and read()
 * of whole messages, the kernel copying each byte in and out.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bulk.h"
#include "ring_bench.h"

enum { READ_END, WRITE_END };

struct bulk_pipe_run {
	int fd[2];
	size_t size;
	uint64_t msgs;
	uint8_t *staging[2]; /* the producer's and the consumer's own message buffer */
};

static void pipe_produce(void *arg)
{
	struct bulk_pipe_run *p = arg;
	uint8_t *msg = p->staging[WRITE_END];
	for (uint64_t seq = 1; seq <= p->msgs; seq++) {
		bulk_fill(msg, p->size, seq);
		for (size_t done = 0; done < p->size;) {
			ssize_t n = write(p->fd[WRITE_END], msg + done, p->size - done);
			if (n <= 0)
				return;
			done += (size_t)n;
		}
	}
}

static void pipe_consume(void *arg)
{
	struct bulk_pipe_run *p = arg;
	uint8_t *msg = p->staging[READ_END];
	for (uint64_t seq = 1; seq <= p->msgs; seq++) {
		for (size_t done = 0; done < p->size;) {
			ssize_t n = read(p->fd[READ_END], msg + done, p->size - done);
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		bench_check("pipe", bulk_sum(msg, p->size), bulk_expected(p->size, seq));
	}
}

double bulk_pipe(size_t size, uint64_t msgs)
{
	struct bulk_pipe_run p = {.size = size, .msgs = msgs};
	if (pipe(p.fd) != 0) {
		perror("ring-bench: pipe");
		exit(1);
	}
	/* As much in flight as in the rings; a smaller pipe is measured as it is. */
	fcntl(p.fd[WRITE_END], F_SETPIPE_SZ, (int)BULK_RING_BYTES);
	p.staging[READ_END] = bench_alloc(size);
	p.staging[WRITE_END] = bench_alloc(size);
	double ns = bench_pair(pipe_produce, pipe_consume, &p);
	free(p.staging[READ_END]);
	free(p.staging[WRITE_END]);
	close(p.fd[READ_END]);
	close(p.fd[WRITE_END]);
	return ns;
}
