// SPDX-License-Identifier: MIT
/*
 * Priority round-robin vCPU scheduling policy; see include/sched/policy.h.
 *
 * Invariants, per run queue:
 *  - bit p of bitmap is set exactly when levels[p] is not empty;
 *  - the level lists hold exactly the RUNNABLE entities with e->rq == rq,
 *    nr_queued of them; the running entity is on no list;
 *  - accounting (run_ns, slice_left_ns of the running entity, busy_ns,
 *    idle_ns) is exact up to clock_ns.
 */
#include <keel/abi.h>
#include <sched/policy.h>

static bool prio_valid(unsigned int prio)
{
	return prio <= SCHED_PRIO_MAX;
}

static bool slice_valid(uint64_t slice_ns)
{
	return slice_ns >= SCHED_SLICE_MIN_NS && slice_ns <= SCHED_SLICE_MAX_NS;
}

static uint64_t elapsed(uint64_t from_ns, uint64_t to_ns)
{
	return to_ns > from_ns ? to_ns - from_ns : 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* now_ns, or the latest time rq has seen if now_ns is earlier. */
static uint64_t rq_now(const struct sched_rq *rq, uint64_t now_ns)
{
	return now_ns > rq->clock_ns ? now_ns : rq->clock_ns;
}

/* The highest non-empty level, or -1. O(1). */
static int top_prio(const struct sched_rq *rq)
{
	if (!rq->bitmap)
		return -1;
	return SCHED_PRIO_MAX - __builtin_clz(rq->bitmap);
}

static void level_push(struct sched_rq *rq, struct sched_entity *e, bool head)
{
	struct sched_level *l = &rq->levels[e->prio];

	if (head) {
		e->prev = NULL;
		e->next = l->head;
		if (l->head)
			l->head->prev = e;
		else
			l->tail = e;
		l->head = e;
	} else {
		e->next = NULL;
		e->prev = l->tail;
		if (l->tail)
			l->tail->next = e;
		else
			l->head = e;
		l->tail = e;
	}
	rq->bitmap |= 1u << e->prio;
}

static void level_remove(struct sched_rq *rq, struct sched_entity *e)
{
	struct sched_level *l = &rq->levels[e->prio];

	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->next = e->prev = NULL;
	if (!l->head)
		rq->bitmap &= ~(1u << e->prio);
}

/* A RUNNABLE entity joins rq's lists from now_ns. */
static void queue(struct sched_rq *rq, struct sched_entity *e, bool head,
		  uint64_t now_ns)
{
	level_push(rq, e, head);
	e->state = SCHED_RUNNABLE;
	e->rq = rq;
	e->waiting_since_ns = now_ns;
	rq->nr_queued++;
}

/* A RUNNABLE entity leaves rq's lists at now_ns. */
static void unqueue(struct sched_rq *rq, struct sched_entity *e,
		    uint64_t now_ns)
{
	level_remove(rq, e);
	e->wait_ns += elapsed(e->waiting_since_ns, now_ns);
	rq->nr_queued--;
}

int sched_rq_init(struct sched_rq *rq, unsigned int cpu, uint64_t min_run_ns,
		  uint64_t now_ns)
{
	if (cpu >= SCHED_MAX_CPUS || min_run_ns > SCHED_MIN_RUN_MAX_NS)
		return -KEEL_EINVAL;
	*rq = (struct sched_rq){
		.cpu = cpu,
		.min_run_ns = min_run_ns,
		.clock_ns = now_ns,
	};
	return 0;
}

int sched_entity_init(struct sched_entity *e, unsigned int prio,
		      uint64_t slice_ns, uint64_t affinity)
{
	if (!prio_valid(prio) || !slice_valid(slice_ns) || !affinity)
		return -KEEL_EINVAL;
	*e = (struct sched_entity){
		.state = SCHED_BLOCKED,
		.prio = prio,
		.slice_ns = slice_ns,
		.slice_left_ns = slice_ns,
		.affinity = affinity,
		.last_cpu = SCHED_CPU_NONE,
	};
	return 0;
}

void sched_account(struct sched_rq *rq, uint64_t now_ns)
{
	struct sched_entity *cur = rq->running;
	uint64_t delta = elapsed(rq->clock_ns, now_ns);

	if (!delta)
		return;
	if (cur) {
		cur->run_ns += delta;
		rq->busy_ns += delta;
		cur->slice_left_ns = delta < cur->slice_left_ns ?
				     cur->slice_left_ns - delta : 0;
	} else {
		rq->idle_ns += delta;
	}
	rq->clock_ns = now_ns;
}

int sched_enqueue(struct sched_rq *rq, struct sched_entity *e, uint64_t now_ns)
{
	if (e->state != SCHED_BLOCKED)
		return -KEEL_EEXIST;
	if (!sched_allowed(e, rq->cpu))
		return -KEEL_EINVAL;
	if (!e->slice_left_ns)
		e->slice_left_ns = e->slice_ns;
	queue(rq, e, false, now_ns);
	return 0;
}

int sched_dequeue(struct sched_rq *rq, struct sched_entity *e, uint64_t now_ns)
{
	if (e->rq != rq)
		return -KEEL_ENOENT;
	sched_account(rq, now_ns);
	if (e == rq->running)
		rq->running = NULL;
	else
		unqueue(rq, e, now_ns);
	e->state = SCHED_BLOCKED;
	e->rq = NULL;
	return 0;
}

int sched_block(struct sched_rq *rq, uint64_t now_ns)
{
	if (!rq->running)
		return -KEEL_ENOENT;
	return sched_dequeue(rq, rq->running, now_ns);
}

int sched_yield_running(struct sched_rq *rq, uint64_t now_ns)
{
	if (!rq->running)
		return -KEEL_ENOENT;
	sched_account(rq, now_ns);
	rq->running->slice_left_ns = 0;
	return 0;
}

uint64_t sched_next_event(const struct sched_rq *rq, uint64_t now_ns)
{
	const struct sched_entity *cur = rq->running;
	int top = top_prio(rq);
	uint64_t due;

	now_ns = rq_now(rq, now_ns);
	if (!cur)
		return top >= 0 ? now_ns : UINT64_MAX;
	if (top < (int)cur->prio)
		return UINT64_MAX;	/* nobody to share the CPU with */
	/* the slice end: slice_left_ns counts from clock_ns */
	due = add_sat(rq->clock_ns, cur->slice_left_ns);
	if (top > (int)cur->prio) {
		uint64_t min_run_end = add_sat(rq->running_since_ns,
					       rq->min_run_ns);

		if (min_run_end < due)
			due = min_run_end;
	}
	return due > now_ns ? due : now_ns;
}

bool sched_should_preempt(const struct sched_rq *rq, uint64_t now_ns)
{
	now_ns = rq_now(rq, now_ns);
	return sched_next_event(rq, now_ns) <= now_ns;
}

struct sched_entity *sched_pick(struct sched_rq *rq, uint64_t now_ns)
{
	struct sched_entity *cur = rq->running;
	struct sched_entity *next;
	int top;

	sched_account(rq, now_ns);
	now_ns = rq->clock_ns;
	if (cur) {
		bool spent = !cur->slice_left_ns;
		/*
		 * A spent slice (or a yield) ends now if anyone waits at its
		 * level or above: what sched_next_event would say, without
		 * its look at the slice and the minimum run.
		 */
		bool due = spent ? top_prio(rq) >= (int)cur->prio :
			   sched_should_preempt(rq, now_ns);

		if (spent)
			cur->slice_left_ns = cur->slice_ns;
		if (!due)
			return cur;	/* if spent, alone at its level */
		/*
		 * A spent slice sends it to the tail of its level; preempted
		 * by a higher level, it waits at the head with the rest of
		 * its slice. Either way someone else runs next.
		 */
		rq->running = NULL;
		queue(rq, cur, !spent, now_ns);
	}
	top = top_prio(rq);
	if (top < 0)
		return NULL;
	next = rq->levels[top].head;
	unqueue(rq, next, now_ns);
	next->state = SCHED_RUNNING;
	next->switches++;
	rq->running = next;
	rq->running_since_ns = now_ns;
	next->last_cpu = rq->cpu;
	return next;
}

int sched_set_params(struct sched_entity *e, unsigned int prio,
		     uint64_t slice_ns, uint64_t now_ns)
{
	if (!prio_valid(prio) || !slice_valid(slice_ns))
		return -KEEL_EINVAL;
	if (e->rq)
		sched_account(e->rq, now_ns);
	if (e->state == SCHED_RUNNABLE && prio != e->prio) {
		level_remove(e->rq, e);
		e->prio = prio;
		level_push(e->rq, e, false);
	}
	e->prio = prio;
	e->slice_ns = slice_ns;
	if (e->slice_left_ns > slice_ns)
		e->slice_left_ns = slice_ns;
	return 0;
}

int sched_set_affinity(struct sched_entity *e, uint64_t affinity)
{
	if (!affinity)
		return -KEEL_EINVAL;
	e->affinity = affinity;
	return 0;
}

static unsigned int rq_load(const struct sched_rq *rq)
{
	return rq->nr_queued + (rq->running ? 1 : 0);
}

/* The queued entity allowed on cpu that would run first on rq, or NULL. */
static struct sched_entity *first_allowed(const struct sched_rq *rq,
					  unsigned int cpu)
{
	uint32_t levels = rq->bitmap;

	while (levels) {
		int prio = SCHED_PRIO_MAX - __builtin_clz(levels);
		struct sched_entity *e;

		for (e = rq->levels[prio].head; e; e = e->next)
			if (sched_allowed(e, cpu))
				return e;
		levels &= ~(1u << prio);
	}
	return NULL;
}

struct sched_entity *sched_pull_candidate(struct sched_rq *const *rqs,
					  unsigned int n, unsigned int dst_cpu)
{
	struct sched_entity *best = NULL;
	unsigned int dst_load = 0, best_load = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (rqs[i]->cpu == dst_cpu)
			dst_load = rq_load(rqs[i]);
	for (i = 0; i < n; i++) {
		unsigned int load = rq_load(rqs[i]);
		struct sched_entity *e;

		if (rqs[i]->cpu == dst_cpu || load < dst_load + 2 ||
		    load <= best_load)
			continue;
		e = first_allowed(rqs[i], dst_cpu);
		if (e) {
			best = e;
			best_load = load;
		}
	}
	return best;
}

bool sched_has_queued_for(const struct sched_rq *rq, unsigned int cpu)
{
	return first_allowed(rq, cpu) != NULL;
}
