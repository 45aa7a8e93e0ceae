package loaders

import (
	"context"
	"sync"
	"time"
)

// Plan is what an operation will fetch, read from its document before any
// resolver runs (see graph.PlanOperation).
type Plan struct {
	// Pages counts the fields that report to the operation's gate with
	// PageLoaded: the loaders know the last page is in when all have.
	Pages int
	// Lists holds the keys of the status filters (see graph's filterKey)
	// that pages of the operation will list. Each such list reports the
	// total it got with ListTotal, so a count of the same filter (Total)
	// waits for it instead of asking the result aggregator again.
	Lists []string
}

// totals shares the result aggregator's totals within one operation: the
// total of a status filter is asked for at most once, and not at all when a
// page of the operation lists that filter anyway.
type totals struct {
	// planned holds the filters a page of the operation lists: fixed when
	// the operation starts, so it is read without a lock.
	planned map[string]*totalCall
	// mu guards the totalCalls' total and ok.
	mu sync.Mutex
	// own is the counts' own calls, one per key, for the filters no page
	// has the total of.
	own onceByKey[int]
	// wait bounds how long a count waits for a planned page's total before
	// it asks for its own: a backstop, since every page reports once.
	wait time.Duration
}

// totalCall is the total of one planned filter, as its page reports it.
type totalCall struct {
	done  chan struct{} // closed when total and ok are set
	total int
	ok    bool // false: the page failed, counts ask for themselves
}

func newTotals(plan []string, wait time.Duration) *totals {
	t := &totals{planned: make(map[string]*totalCall, len(plan)), wait: wait}
	for _, k := range plan {
		t.planned[k] = &totalCall{done: make(chan struct{})}
	}
	return t
}

// report records a page's total for key; the first report wins and later
// ones (a second page of the same filter) change nothing. A filter no count
// waits for (not planned) is not recorded.
func (t *totals) report(key string, total int, ok bool) {
	c, planned := t.planned[key]
	if !planned {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case <-c.done:
		if !c.ok && ok {
			// An earlier page of this filter failed; this one has it.
			c.total, c.ok = total, true
		}
	default:
		c.total, c.ok = total, ok
		close(c.done)
	}
}

// get returns key's total: a page's, when one of the operation lists the
// filter, else one fetch shared by every count of the operation.
func (t *totals) get(ctx context.Context, key string, fetch func(context.Context) (int, error)) (int, error) {
	if c, planned := t.planned[key]; planned {
		timer := time.NewTimer(t.wait)
		defer timer.Stop()
		select {
		case <-c.done:
			t.mu.Lock()
			total, ok := c.total, c.ok
			t.mu.Unlock()
			if ok {
				return total, nil
			}
		case <-timer.C:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return t.own.do(ctx, key, fetch)
}

// ListTotal reports the total a page got for its filter key (ok false when
// its list failed), for the counts of the same filter. Pages of a planned
// filter must report exactly once, failed or not.
func ListTotal(ctx context.Context, key string, total int, ok bool) {
	l, err := from(ctx)
	if err != nil {
		return
	}
	l.totals.report(key, total, ok)
}

// Total returns the total of the filter key: the one a page of the
// operation reports, when the operation lists that filter; else fetch's
// answer, fetched once per operation however many fields ask.
func Total(ctx context.Context, key string, fetch func(context.Context) (int, error)) (int, error) {
	l, err := from(ctx)
	if err != nil {
		return 0, err
	}
	return l.totals.get(ctx, key, fetch)
}
