package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/internal/events"
)

// SimulatorOptions configures a Simulator.
type SimulatorOptions struct {
	// Interval is Run's tick and the simulated time each Step advances;
	// zero means one second.
	Interval time.Duration
	// Seed drives every choice; zero means the store's seed.
	Seed int64
	// BatchesPerTick is how many active batches each Step moves; zero means 3.
	BatchesPerTick int
	// NewBatchChance is the probability a Step creates a batch; zero means
	// 0.15, negative means never.
	NewBatchChance float64
	Logger         *slog.Logger
}

// Simulator moves the store's batches through their lifecycle and publishes
// a batch_status_updated notification for every change of a batch's status,
// phase or counts, the way RAS does. It mutates the store before it
// publishes, so a client that refetches on an event sees at least that
// state over HTTP.
type Simulator struct {
	store *Store
	pub   events.Publisher
	opts  SimulatorOptions

	mu      sync.Mutex // serialises steps: events leave in the order they happened
	rng     *rand.Rand
	now     time.Time
	created int
}

type outgoing struct {
	userID string
	msg    []byte
}

// snapshot is what an event reports; a change to it is what gets published.
type snapshot struct {
	status, phase            string
	total, completed, failed int
}

// NewSimulator returns a simulator over store publishing on pub.
func NewSimulator(store *Store, pub events.Publisher, opts SimulatorOptions) *Simulator {
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.Seed == 0 {
		opts.Seed = store.seed
	}
	if opts.BatchesPerTick <= 0 {
		opts.BatchesPerTick = 3
	}
	if opts.NewBatchChance == 0 {
		opts.NewBatchChance = 0.15
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Simulator{
		store: store, pub: pub, opts: opts,
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x51_a7e5)),
		now: store.now,
	}
}

// Run steps every Interval until ctx is done. Publish failures are logged
// and do not stop it: the channel is at-most-once anyway.
func (sim *Simulator) Run(ctx context.Context) error {
	t := time.NewTicker(sim.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := sim.Step(ctx); err != nil && ctx.Err() == nil {
				sim.opts.Logger.WarnContext(ctx, "simulator step", "error", err)
			}
		}
	}
}

// Step advances simulated time by one Interval, moves a few batches and
// publishes what changed.
func (sim *Simulator) Step(ctx context.Context) error {
	sim.mu.Lock()
	defer sim.mu.Unlock()
	out, err := sim.advance()
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range out {
		if err := sim.pub.Publish(ctx, o.userID, o.msg); err != nil {
			errs = append(errs, fmt.Errorf("simulator: publish on %s: %w", events.Channel(o.userID), err))
		}
	}
	return errors.Join(errs...)
}

func (sim *Simulator) advance() ([]outgoing, error) {
	st := sim.store
	st.mu.Lock()
	defer st.mu.Unlock()
	sim.now = sim.now.Add(sim.opts.Interval)
	if st.clock.Before(sim.now) {
		st.clock = sim.now
	}
	var active []string
	for _, id := range st.order {
		if isActive(st.batches[id].Status) {
			active = append(active, id)
		}
	}
	var out []outgoing
	var errs []error
	perm := sim.rng.Perm(len(active))
	for _, i := range perm[:min(sim.opts.BatchesPerTick, len(perm))] {
		id := active[i]
		before := snapshotOf(*st.batches[id])
		var uploads []Essay
		b, err := st.mutateLocked(id, func(b *Batch, at time.Time) { uploads = sim.transition(b, at) })
		if err != nil {
			errs = append(errs, fmt.Errorf("simulator: %w", err))
			continue
		}
		for _, e := range uploads {
			msg, err := fileUploadedMessage(b, e, sim.opts.Seed, b.LastUpdated)
			out, errs = appendMsg(out, errs, b.UserID, msg, err)
		}
		if snapshotOf(b) != before {
			msg, err := statusMessage(b, sim.opts.Seed)
			out, errs = appendMsg(out, errs, b.UserID, msg, err)
		}
	}
	if sim.rng.Float64() < sim.opts.NewBatchChance {
		b := sim.newBatch()
		st.batches[b.ID] = &b
		st.order = append(st.order, b.ID)
		msg, err := statusMessage(b, sim.opts.Seed)
		out, errs = appendMsg(out, errs, b.UserID, msg, err)
	}
	return out, errors.Join(errs...)
}

func appendMsg(out []outgoing, errs []error, userID string, msg []byte, err error) ([]outgoing, []error) {
	if err != nil {
		return out, append(errs, err)
	}
	return append(out, outgoing{userID: userID, msg: msg}), errs
}

func snapshotOf(b Batch) snapshot {
	return snapshot{b.Status, b.CurrentPhase(), len(b.Essays), b.CompletedEssays(), b.FailedEssays()}
}

func isActive(status string) bool {
	switch clientStatus(status) {
	case clientPendingContent, clientReady, clientProcessing:
		return true
	}
	return false
}

// transition moves b one step along its lifecycle and returns the essays
// whose files it uploaded.
func (sim *Simulator) transition(b *Batch, at time.Time) []Essay {
	switch b.Status {
	case StatusAwaitingContentValidation:
		if n := len(b.Essays); n < 8 || (n < 30 && sim.rng.Float64() < 0.4) {
			return sim.upload(b, at)
		}
		if sim.rng.Float64() < ingestionFailure {
			// Now and then an upload cannot be read: the teacher has a
			// failed batch to look at.
			b.Status = StatusContentIngestionFailed
			b.ProcessingCompletedAt = &at
			return nil
		}
		if b.ClassID != "" && sim.rng.Float64() < 0.5 {
			b.Status = StatusAwaitingStudentValidation
			b.Associations = sim.match(b, at)
		} else {
			b.Status = StatusReadyForPipelineExecution
		}
		b.RequestedPipeline = PhaseCJAssessment
	case StatusAwaitingPipelineConfiguration:
		b.Status, b.RequestedPipeline = StatusReadyForPipelineExecution, PhaseCJAssessment
	case StatusAwaitingStudentValidation:
		// The teacher confirms one match at a time; the batch moves on once
		// none is pending, so countdowns stay visible for a while.
		for i := range b.Associations {
			if b.Associations[i].Status == AssocPendingValidation {
				b.Associations[i].Status = AssocConfirmed
				return nil
			}
		}
		b.Status = StatusStudentValidationCompleted
	case StatusReadyForPipelineExecution, StatusStudentValidationCompleted,
		StatusValidationTimeoutProcessed, StatusGuestClassReady:
		b.Status = StatusProcessingPipelines
		b.RequestedPipeline = PhaseCJAssessment
		b.ProcessingStartedAt = &at
	case StatusProcessingPipelines:
		sim.progress(b, at)
	}
	return nil
}

// How often the simulator fails a batch: an upload whose content cannot be
// ingested, and a processing step that fails the whole batch. Rare, but
// frequent enough that a demo of a few minutes shows new failures.
const (
	ingestionFailure = 0.08
	criticalFailure  = 0.003
)

// progress moves a few essays of the current phase one state forward
// (pending → processing → completed, sometimes failed) and finalises the
// batch once no phase is left.
func (sim *Simulator) progress(b *Batch, at time.Time) {
	phase := b.CurrentPhase()
	if phase == "" {
		b.Status = StatusCompletedSuccessfully
		switch {
		case len(b.Essays) == 0:
			b.Status = StatusFailedCritically
		case b.FailedEssays() > 0:
			b.Status = StatusCompletedWithFailures
		}
		b.ProcessingCompletedAt = &at
		return
	}
	if sim.rng.Float64() < criticalFailure {
		b.Status = StatusFailedCritically
		b.ProcessingCompletedAt = &at
		return
	}
	moves := 1 + sim.rng.IntN(4)
	for i := range b.Essays {
		if moves == 0 {
			break
		}
		e := &b.Essays[i]
		status := &e.SpellcheckStatus
		if phase == PhaseCJAssessment {
			status = &e.CJAssessmentStatus
		}
		switch *status {
		case EssayPending:
			*status = EssayProcessing
		case EssayProcessing:
			*status = EssayCompleted
			if sim.rng.Float64() < 0.05 {
				*status = EssayFailed
				if phase == PhaseSpellcheck {
					e.CJAssessmentStatus = EssayCancelled // a failed essay never reaches CJ
				}
			} else if phase == PhaseCJAssessment {
				score := math.Round((0.05+0.93*sim.rng.Float64())*100) / 100
				e.CJScore = &score
			}
		default:
			continue
		}
		e.LastUpdated = at
		moves--
	}
	rankCJ(b.Essays)
}

func (sim *Simulator) upload(b *Batch, at time.Time) []Essay {
	n := 3 + sim.rng.IntN(6)
	var added []Essay
	for range n {
		k := len(b.Essays)
		e := Essay{
			ID:                 uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%d/sim-essay/%s/%d", sim.opts.Seed, b.ID, k)).String(),
			Filename:           fmt.Sprintf("elev%02d.docx", k+1),
			SpellcheckStatus:   EssayPending,
			CJAssessmentStatus: EssayPending,
			LastUpdated:        at,
		}
		b.Essays = append(b.Essays, e)
		added = append(added, e)
	}
	return added
}

// match is CMS's student matching: most essays match, a few wait for the
// teacher, and their deadline runs from now.
func (sim *Simulator) match(b *Batch, at time.Time) []Association {
	assocs := make([]Association, len(b.Essays))
	for i, e := range b.Essays {
		assocs[i] = Association{
			EssayID:     e.ID,
			StudentName: studentNames[(i+sim.rng.IntN(3))%len(studentNames)],
			Status:      AssocConfirmed,
			CreatedAt:   at,
		}
		if i < 1 || sim.rng.Float64() < 0.1 {
			assocs[i].Status = AssocPendingValidation
		}
	}
	return assocs
}

func (sim *Simulator) newBatch() Batch {
	var id string
	for {
		sim.created++
		id = uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%d/sim-batch/%d", sim.opts.Seed, sim.created)).String()
		if _, taken := sim.store.batches[id]; !taken { // another simulator with the same seed
			break
		}
	}
	t := seedTeachers[sim.rng.IntN(len(seedTeachers))]
	at := sim.store.clock
	b := Batch{
		ID:          id,
		UserID:      t.id,
		Title:       seedTitles[sim.rng.IntN(len(seedTitles))],
		Status:      StatusAwaitingContentValidation,
		CreatedAt:   at,
		LastUpdated: at,
	}
	if sim.rng.Float64() < 0.8 {
		b.ClassID = classID(sim.store.seed, t.id, t.classes[sim.rng.IntN(len(t.classes))])
	}
	return b
}
