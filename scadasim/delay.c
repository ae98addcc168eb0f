/*
 * The delayed-request queue: a sorted array, as it holds at most a few
 * hundred requests and almost every push lands at its end. A client's
 * requests leave in the order they came even when the delay is cut
 * while some wait, as a real slow link would deliver them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "delay.h"
#include "xmalloc.h"

struct delay {
	struct delay_entry	*e;
	int			 n;
	int			 size;
};

struct delay *
delay_new(void)
{
	return xcalloc(1, sizeof(struct delay));
}

void
delay_destroy(struct delay **dp)
{
	if (*dp == NULL)
		return;
	free((*dp)->e);
	free(*dp);
	*dp = NULL;
}

/* Returns -1 when the queue is full or the request too long. */
int
delay_push(struct delay *d, double due, uint64_t client, const uint8_t *adu,
    int len)
{
	struct delay_entry *e;
	int i, at, size;

	if (len < 0 || len > (int)sizeof d->e->adu || d->n == DELAY_MAX)
		return -1;
	if (d->n == d->size) {
		size = d->size == 0 ? 16 : d->size * 2;
		if (size > DELAY_MAX)
			size = DELAY_MAX;
		d->e = xreallocarray(d->e, (size_t)size, sizeof *d->e);
		d->size = size;
	}
	for (i = 0; i < d->n; i++)
		if (d->e[i].client == client && d->e[i].due > due)
			due = d->e[i].due;
	for (at = d->n; at > 0 && d->e[at - 1].due > due; at--)
		;
	memmove(&d->e[at + 1], &d->e[at], (size_t)(d->n - at) * sizeof *d->e);
	e = &d->e[at];
	e->due = due;
	e->client = client;
	e->len = len;
	memcpy(e->adu, adu, (size_t)len);
	d->n++;
	return 0;
}

/* Moves the first request due at now into out; 0 if none is due. */
int
delay_pop(struct delay *d, double now, struct delay_entry *out)
{
	if (d->n == 0 || d->e[0].due > now)
		return 0;
	memcpy(out, &d->e[0], sizeof *out);
	d->n--;
	memmove(&d->e[0], &d->e[1], (size_t)d->n * sizeof *d->e);
	return 1;
}

/* When the first request falls due; -1 when none waits. */
double
delay_next(const struct delay *d)
{
	return d->n == 0 ? -1.0 : d->e[0].due;
}

int
delay_count(const struct delay *d)
{
	return d->n;
}

/* Forgets a client's requests, as it has gone. */
void
delay_forget(struct delay *d, uint64_t client)
{
	int i, j;

	for (i = j = 0; i < d->n; i++)
		if (d->e[i].client != client)
			memmove(&d->e[j++], &d->e[i], sizeof *d->e);
	d->n = j;
}

void
delay_clear(struct delay *d)
{
	d->n = 0;
}

void
delay_selftest(void)
{
	struct delay *d;
	struct delay_entry e;
	uint8_t req[3] = { 1, 2, 3 };
	int i;

	printf(" * delay: ");
	CHECK((d = delay_new()) != NULL);
	CHECK(delay_next(d) == -1.0);
	CHECK(delay_pop(d, 100.0, &e) == 0);

	/* Due order across clients, arrival order within one. */
	CHECK(delay_push(d, 10.2, 1, req, 1) == 0);
	CHECK(delay_push(d, 10.1, 2, req, 2) == 0);
	CHECK(delay_push(d, 10.05, 1, req, 3) == 0);	/* delay was cut */
	CHECK(delay_count(d) == 3);
	CHECK(delay_next(d) == 10.1);
	CHECK(delay_pop(d, 10.0, &e) == 0);
	CHECK(delay_pop(d, 10.15, &e) == 1 && e.client == 2 && e.len == 2);
	CHECK(delay_pop(d, 10.15, &e) == 0);
	CHECK(delay_pop(d, 10.2, &e) == 1 && e.client == 1 && e.len == 1);
	CHECK(delay_pop(d, 10.2, &e) == 1 && e.client == 1 && e.len == 3 &&
	    e.due == 10.2 && memcmp(e.adu, req, 3) == 0);
	CHECK(delay_count(d) == 0);

	/* Equal due times keep their order. */
	CHECK(delay_push(d, 5.0, 1, req, 1) == 0);
	CHECK(delay_push(d, 5.0, 2, req, 2) == 0);
	CHECK(delay_pop(d, 5.0, &e) == 1 && e.client == 1);
	CHECK(delay_pop(d, 5.0, &e) == 1 && e.client == 2);

	/* A client that goes takes its requests along. */
	for (i = 0; i < 10; i++)
		CHECK(delay_push(d, i, (uint64_t)(i % 3), req, 1) == 0);
	delay_forget(d, 1);
	CHECK(delay_count(d) == 7);
	while (delay_pop(d, 100.0, &e) == 1)
		CHECK(e.client != 1);
	delay_clear(d);

	/* Full is full, and too long is refused. */
	for (i = 0; i < DELAY_MAX; i++)
		CHECK(delay_push(d, 1.0, 7, req, 3) == 0);
	CHECK(delay_push(d, 1.0, 7, req, 3) == -1);
	CHECK(delay_push(d, 1.0, 8, req, MODBUS_TCP_MAX_ADU_LENGTH + 1) ==
	    -1);
	delay_clear(d);
	CHECK(delay_count(d) == 0 && delay_next(d) == -1.0);

	delay_destroy(&d);
	CHECK(d == NULL);
	delay_destroy(&d);
	printf("OK\n");
}
