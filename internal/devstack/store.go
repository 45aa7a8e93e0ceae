package devstack

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned by store methods for an unknown batch or essay.
var ErrNotFound = errors.New("devstack: not found")

// Store holds the data all three reference services answer from. It is safe
// for concurrent use; every getter returns a deep copy.
type Store struct {
	mu   sync.RWMutex
	now  time.Time
	seed int64
	// clock is the store's notion of "now" for mutations; the simulator moves
	// it forward so that timestamps follow simulated time.
	clock    time.Time
	batches  map[string]*Batch
	order    []string // insertion order: deterministic iteration for the simulator
	classes  map[string]Class
	balances map[string]Balance
}

// NewStore returns a store seeded from opts.Now and opts.Seed (the other
// options are ignored). The same Now and Seed give identical data.
func NewStore(opts Options) *Store {
	opts = opts.withDefaults()
	s := newEmptyStore(opts.Now, opts.Seed)
	seedStore(s)
	return s
}

func newEmptyStore(now time.Time, seed int64) *Store {
	return &Store{
		now:      now,
		seed:     seed,
		clock:    now,
		batches:  map[string]*Batch{},
		classes:  map[string]Class{},
		balances: map[string]Balance{},
	}
}

// Now is the instant the seeded data is relative to.
func (s *Store) Now() time.Time { return s.now }

// Seed is the seed the data was generated from.
func (s *Store) Seed() int64 { return s.seed }

// BatchIDs lists a teacher's batch ids in RAS order (newest first).
func (s *Store) BatchIDs(userID string) []string {
	page, _ := s.ListBatches(userID, nil, -1, 0)
	ids := make([]string, len(page))
	for i, b := range page {
		ids[i] = b.ID
	}
	return ids
}

// ListBatches is the RAS list query: the user's batches whose status is one
// of statuses (all when empty), newest first with ties broken by id, then
// offset and limit applied (limit < 0: no limit). total counts all matches.
func (s *Store) ListBatches(userID string, statuses []string, limit, offset int) (page []Batch, total int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matched []*Batch
	for _, id := range s.order {
		b := s.batches[id]
		if b.UserID != userID || (len(statuses) > 0 && !slices.Contains(statuses, b.Status)) {
			continue
		}
		matched = append(matched, b)
	}
	slices.SortFunc(matched, func(a, b *Batch) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	total = len(matched)
	if offset >= total {
		return []Batch{}, total
	}
	matched = matched[offset:]
	if limit >= 0 && limit < len(matched) {
		matched = matched[:limit]
	}
	page = make([]Batch, len(matched))
	for i, b := range matched {
		page[i] = b.clone()
	}
	return page, total
}

// Batch returns a copy of one batch.
func (s *Store) Batch(id string) (Batch, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.batches[strings.ToLower(id)]
	if !ok {
		return Batch{}, false
	}
	return b.clone(), true
}

// PutBatch adds a batch or replaces the one with the same id, essays and
// associations included. Zero CreatedAt / LastUpdated are stamped.
func (s *Store) PutBatch(b Batch) error {
	if err := b.validate(); err != nil {
		return fmt.Errorf("put batch %q: %w", b.ID, err)
	}
	b = b.clone()
	b.ID = strings.ToLower(b.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.clock
	}
	if b.LastUpdated.IsZero() {
		b.LastUpdated = b.CreatedAt
	}
	if _, ok := s.batches[b.ID]; !ok {
		s.order = append(s.order, b.ID)
	}
	s.batches[b.ID] = &b
	return nil
}

// DeleteBatch removes a batch; RAS then answers 404 and CMS null for it.
func (s *Store) DeleteBatch(id string) {
	id = strings.ToLower(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.batches[id]; !ok {
		return
	}
	delete(s.batches, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
}

// UpdateBatch applies fn to the batch under the store lock, stamps
// LastUpdated and returns the new state. fn may change anything but the id.
func (s *Store) UpdateBatch(id string, fn func(*Batch)) (Batch, error) {
	return s.mutate(id, func(b *Batch, _ time.Time) { fn(b) })
}

// mutate is UpdateBatch handing fn the instant of the change, so that essay
// and batch timestamps of one change agree.
func (s *Store) mutate(id string, fn func(b *Batch, at time.Time)) (Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mutateLocked(id, fn)
}

func (s *Store) mutateLocked(id string, fn func(b *Batch, at time.Time)) (Batch, error) {
	b, ok := s.batches[strings.ToLower(id)]
	if !ok {
		return Batch{}, fmt.Errorf("update batch %q: %w", id, ErrNotFound)
	}
	at := s.stamp(b)
	next := b.clone()
	fn(&next, at)
	next.ID = b.ID
	if err := next.validate(); err != nil {
		return Batch{}, fmt.Errorf("update batch %q: %w", id, err)
	}
	next.LastUpdated = at
	*b = next
	return b.clone(), nil
}

// SetBatchStatus sets a batch's internal status, filling the processing
// timestamps the way RAS would when a batch starts or finishes.
func (s *Store) SetBatchStatus(id, status string) error {
	_, err := s.mutate(id, func(b *Batch, at time.Time) {
		b.Status = status
		fillProcessingTimes(b, at)
	})
	return err
}

// SetEssayStatus sets both phase statuses of one essay ("" leaves a phase
// as it is).
func (s *Store) SetEssayStatus(batchID, essayID, spellcheck, cj string) error {
	found := false
	_, err := s.mutate(batchID, func(b *Batch, at time.Time) {
		for i := range b.Essays {
			if b.Essays[i].ID == essayID {
				found = true
				setEssay(&b.Essays[i], spellcheck, cj, at)
			}
		}
		rankCJ(b.Essays)
	})
	if err == nil && !found {
		err = fmt.Errorf("set essay %q of batch %q: %w", essayID, batchID, ErrNotFound)
	}
	return err
}

// SetEssayStatuses sets the phase statuses of every essay of a batch (""
// leaves a phase as it is).
func (s *Store) SetEssayStatuses(batchID, spellcheck, cj string) error {
	_, err := s.mutate(batchID, func(b *Batch, at time.Time) {
		for i := range b.Essays {
			setEssay(&b.Essays[i], spellcheck, cj, at)
		}
		rankCJ(b.Essays)
	})
	return err
}

// SetAssociations replaces a batch's student–essay associations; nil means
// CMS has no validation data for the batch.
func (s *Store) SetAssociations(batchID string, assocs []Association) error {
	_, err := s.UpdateBatch(batchID, func(b *Batch) { b.Associations = slices.Clone(assocs) })
	return err
}

// PutClass adds or replaces a class; SetBatchClass links a batch to it.
func (s *Store) PutClass(c Class) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.classes[strings.ToLower(c.ID)] = c
}

// Class returns a class by id.
func (s *Store) Class(id string) (Class, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.classes[strings.ToLower(id)]
	return c, ok
}

// SetBatchClass links a batch to a class ("" makes it a guest batch).
func (s *Store) SetBatchClass(batchID, classID string) error {
	_, err := s.UpdateBatch(batchID, func(b *Batch) { b.ClassID = strings.ToLower(classID) })
	return err
}

// SetBalance sets what Entitlements answers for a user.
func (s *Store) SetBalance(userID string, b Balance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balances[userID] = b.clone()
}

// DeleteBalance makes Entitlements answer 404 for a user.
func (s *Store) DeleteBalance(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.balances, userID)
}

// Balance returns a user's entitlements.
func (s *Store) Balance(userID string) (Balance, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.balances[userID]
	return b.clone(), ok
}

// stamp is the LastUpdated for a change of b: the store clock, but always
// after b's previous update so that event timestamps of one batch strictly
// increase even when tests mutate faster than the clock moves.
func (s *Store) stamp(b *Batch) time.Time {
	if next := b.LastUpdated.Add(time.Second); next.After(s.clock) {
		return next
	}
	return s.clock
}

func fillProcessingTimes(b *Batch, at time.Time) {
	switch clientStatus(b.Status) {
	case clientProcessing:
		if b.Status == StatusProcessingPipelines && b.ProcessingStartedAt == nil {
			b.ProcessingStartedAt = &at
		}
	case clientCompletedSuccessfully, clientCompletedWithFailures, clientFailed:
		if b.ProcessingCompletedAt == nil {
			b.ProcessingCompletedAt = &at
		}
	}
}

func setEssay(e *Essay, spellcheck, cj string, at time.Time) {
	if spellcheck != "" {
		e.SpellcheckStatus = spellcheck
	}
	if cj != "" {
		e.CJAssessmentStatus = cj
	}
	switch {
	case e.CJAssessmentStatus != EssayCompleted:
		e.CJRank, e.CJScore = nil, nil
	case e.CJScore == nil:
		// A stable score per essay keeps repeated test runs comparable.
		h := fnv.New32a()
		h.Write([]byte(e.ID))
		score := 0.05 + float64(h.Sum32()%9300)/10000
		e.CJScore = &score
	}
	e.LastUpdated = at
}
