package devstack

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

type seeder struct {
	s   *Store
	rng *rand.Rand
	now time.Time
}

// seedStore fills an empty store. Every random choice comes from one PCG
// stream in a fixed order, so Seed and Now fully determine the data.
func seedStore(s *Store) {
	g := &seeder{s: s, rng: rand.New(rand.NewPCG(uint64(s.seed), 0x5eed_de75)), now: s.now}
	for _, t := range seedTeachers {
		var classes []Class
		for _, name := range t.classes {
			c := Class{ID: classID(s.seed, t.id, name), Name: name}
			s.classes[c.ID] = c
			classes = append(classes, c)
		}
		i := 0
		var prev *Batch
		for _, sc := range t.plan {
			for range sc.n {
				b := g.batch(t.id, classes, sc.status, i)
				// Several batches uploaded in one go share created_at: the
				// list order must still be stable for them.
				if prev != nil && i%9 == 4 && sameAgeGroup(prev.Status, b.Status) {
					shareCreated(prev, b)
				}
				s.batches[b.ID] = b
				s.order = append(s.order, b.ID)
				prev = b
				i++
			}
		}
	}
	org, orgID := OrgBalance, OrgID
	s.balances[TeacherWithOrg] = Balance{UserBalance: TeacherWithOrgBalance, OrgBalance: &org, OrgID: &orgID}
	s.balances[TeacherWithoutOrg] = Balance{UserBalance: TeacherWithoutOrgBalance}
	s.balances[TeacherColleague] = Balance{UserBalance: TeacherColleagueBalance, OrgBalance: &org, OrgID: &orgID}
	s.balances[TeacherEmpty] = Balance{UserBalance: TeacherEmptyBalance}
}

func (g *seeder) id(parts ...any) string { return seedID(g.s.seed, parts...) }

func seedID(seed int64, parts ...any) string {
	return uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%d/%v", seed, parts)).String()
}

func classID(seed int64, teacher, name string) string { return seedID(seed, "class", teacher, name) }

func (g *seeder) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)+1)).Truncate(time.Second)
}

func (g *seeder) chance(p float64) bool { return g.rng.Float64() < p }

func (g *seeder) batch(teacher string, classes []Class, status string, i int) *Batch {
	b := &Batch{ID: g.id("batch", teacher, i), UserID: teacher, Status: status}
	// By position rather than by chance, so that every seed has some.
	switch {
	case i%29 == 7: // neither title nor assignment: "Untitled Batch"
	case i%10 == 3:
		b.AssignmentID = g.id("assignment", teacher, i)
	default:
		b.Title = seedTitles[g.rng.IntN(len(seedTitles))]
		if g.chance(0.6) {
			b.AssignmentID = g.id("assignment", teacher, i)
		}
	}
	needsClass := status == StatusAwaitingStudentValidation ||
		status == StatusStudentValidationCompleted || status == StatusValidationTimeoutProcessed
	if status != StatusGuestClassReady && (needsClass || !g.chance(0.15)) {
		b.ClassID = classes[g.rng.IntN(len(classes))].ID
	}
	if status != StatusAwaitingContentValidation && status != StatusAwaitingPipelineConfiguration &&
		status != StatusContentIngestionFailed {
		b.RequestedPipeline = PhaseCJAssessment
	}
	g.times(b)
	n := 8 + g.rng.IntN(25)
	if status == StatusContentIngestionFailed || (status == StatusAwaitingContentValidation && g.chance(0.5)) {
		n = 0 // nothing ingested (yet): a batch without essays has no phase
	}
	g.essays(b, teacher, i, n)
	if b.ClassID != "" {
		g.associations(b)
	}
	return b
}

// times sets created/started/completed/updated by how far along the status
// is: active batches are recent, finished ones spread over a term.
func (g *seeder) times(b *Batch) {
	now := g.now
	var age time.Duration
	switch b.Status {
	case StatusCompletedSuccessfully, StatusCompletedWithFailures, StatusFailedCritically,
		StatusCancelled, StatusContentIngestionFailed:
		age = g.between(26*time.Hour, 120*24*time.Hour)
	case StatusValidationTimeoutProcessed:
		age = g.between(26*time.Hour, 72*time.Hour)
	case StatusAwaitingStudentValidation:
		age = g.between(2*time.Hour, 20*time.Hour)
	default:
		age = g.between(10*time.Minute, 48*time.Hour)
	}
	b.CreatedAt = now.Add(-age)
	b.LastUpdated = b.CreatedAt.Add(g.between(0, age/4))
	switch clientStatus(b.Status) {
	case clientCompletedSuccessfully, clientCompletedWithFailures, clientFailed, clientCancelled:
		if b.Status == StatusContentIngestionFailed {
			b.LastUpdated = b.CreatedAt.Add(g.between(time.Minute, 10*time.Minute))
			return
		}
		started := b.CreatedAt.Add(g.between(2*time.Minute, 30*time.Minute))
		done := started.Add(g.between(10*time.Minute, 6*time.Hour))
		b.ProcessingStartedAt = &started
		b.LastUpdated = done
		if b.Status != StatusCancelled {
			b.ProcessingCompletedAt = &done
		}
	case clientProcessing:
		if b.Status == StatusProcessingPipelines {
			started := b.CreatedAt.Add(g.between(time.Minute, age/3))
			b.ProcessingStartedAt = &started
			b.LastUpdated = started.Add(g.between(0, now.Sub(started)))
		}
	}
}

// shareCreated gives two batches the same created_at by moving the newer
// one back in time, with all its timestamps, so nothing lands after Now.
func shareCreated(a, b *Batch) {
	if a.CreatedAt.Before(b.CreatedAt) {
		a, b = b, a
	}
	d := b.CreatedAt.Sub(a.CreatedAt)
	a.CreatedAt = b.CreatedAt
	a.LastUpdated = a.LastUpdated.Add(d)
	for _, t := range []*time.Time{a.ProcessingStartedAt, a.ProcessingCompletedAt} {
		if t != nil {
			*t = t.Add(d)
		}
	}
	for k := range a.Essays {
		a.Essays[k].LastUpdated = a.Essays[k].LastUpdated.Add(d)
	}
	for k := range a.Associations {
		a.Associations[k].CreatedAt = a.Associations[k].CreatedAt.Add(d)
	}
}

// sameAgeGroup keeps shifted timestamps inside what the status allows (an
// awaiting-validation batch must stay younger than its deadline, say).
func sameAgeGroup(a, b string) bool {
	return a == b && a != StatusAwaitingStudentValidation
}

func (g *seeder) essays(b *Batch, teacher string, i, n int) {
	b.Essays = make([]Essay, n)
	for k := range b.Essays {
		ext := ".docx"
		if g.chance(0.08) {
			ext = ".pdf"
		}
		b.Essays[k] = Essay{
			ID:                 g.id("essay", teacher, i, k),
			Filename:           fmt.Sprintf("elev%02d%s", k+1, ext),
			SpellcheckStatus:   EssayPending,
			CJAssessmentStatus: EssayPending,
			LastUpdated:        b.CreatedAt,
		}
	}
	if n == 0 {
		return
	}
	switch b.Status {
	case StatusProcessingPipelines:
		g.inProgress(b)
	case StatusCompletedSuccessfully:
		g.finish(b.Essays, 0)
	case StatusCompletedWithFailures:
		g.finish(b.Essays, 1+g.rng.IntN(3))
	case StatusFailedCritically, StatusCancelled:
		end := EssayFailed
		if b.Status == StatusCancelled {
			end = EssayCancelled
		}
		done := g.rng.IntN(n)
		for k := range b.Essays {
			b.Essays[k].SpellcheckStatus, b.Essays[k].CJAssessmentStatus = end, EssayCancelled
			if k < done {
				b.Essays[k].SpellcheckStatus = EssayCompleted
			}
		}
	}
	for k := range b.Essays {
		e := &b.Essays[k]
		if e.SpellcheckStatus != EssayPending {
			e.LastUpdated = b.LastUpdated.Add(-g.between(0, b.LastUpdated.Sub(b.CreatedAt)))
		}
		if e.CJAssessmentStatus == EssayCompleted {
			score := math.Round((0.05+0.93*g.rng.Float64())*100) / 100
			e.CJScore = &score
		}
	}
	rankCJ(b.Essays)
}

// inProgress leaves a processing batch somewhere inside its pipeline:
// mostly in cj_assessment, sometimes still spellchecking, rarely finished
// but not yet finalised (phase null while processing).
func (g *seeder) inProgress(b *Batch) {
	es := b.Essays
	n := len(es)
	switch r := g.rng.Float64(); {
	case r < 0.35:
		done := g.rng.IntN(n)
		for k := range es {
			switch {
			case k < done && g.chance(0.04):
				es[k].SpellcheckStatus, es[k].CJAssessmentStatus = EssayFailed, EssayCancelled
			case k < done:
				es[k].SpellcheckStatus = EssayCompleted
			case k < done+3:
				es[k].SpellcheckStatus = EssayProcessing
			}
		}
	case r < 0.95:
		done := g.rng.IntN(n)
		for k := range es {
			es[k].SpellcheckStatus = EssayCompleted
			switch {
			case k > 0 && g.chance(0.03):
				es[k].SpellcheckStatus, es[k].CJAssessmentStatus = EssayFailed, EssayCancelled
			case k < done && g.chance(0.03):
				es[k].CJAssessmentStatus = EssayFailed
			case k < done:
				es[k].CJAssessmentStatus = EssayCompleted
			default:
				es[k].CJAssessmentStatus = EssayProcessing
			}
		}
		if b.CurrentPhase() == "" { // every remaining essay failed: keep the phase open
			es[0].SpellcheckStatus, es[0].CJAssessmentStatus = EssayCompleted, EssayProcessing
		}
	default:
		g.finish(es, 0)
	}
}

// finish completes every essay, failing `failed` of them in one phase or
// the other.
func (g *seeder) finish(es []Essay, failed int) {
	for k := range es {
		es[k].SpellcheckStatus, es[k].CJAssessmentStatus = EssayCompleted, EssayCompleted
	}
	for _, k := range g.rng.Perm(len(es))[:min(failed, len(es))] {
		if g.chance(0.5) {
			es[k].SpellcheckStatus, es[k].CJAssessmentStatus = EssayFailed, EssayCancelled
		} else {
			es[k].CJAssessmentStatus = EssayFailed
		}
	}
}

// associations gives a class batch its student matches. Batches before
// student matching have none; a share of the later ones have none either,
// because CMS only keeps validation data for batches that went through it.
func (g *seeder) associations(b *Batch) {
	switch b.Status {
	case StatusAwaitingContentValidation, StatusAwaitingPipelineConfiguration,
		StatusReadyForPipelineExecution, StatusContentIngestionFailed:
		return
	case StatusAwaitingStudentValidation, StatusStudentValidationCompleted, StatusValidationTimeoutProcessed:
	default:
		if g.chance(0.3) {
			return
		}
	}
	matched := b.CreatedAt.Add(g.between(time.Minute, 20*time.Minute))
	b.Associations = make([]Association, 0, len(b.Essays))
	pending := 0
	if b.Status == StatusAwaitingStudentValidation {
		pending = 1 + g.rng.IntN(min(5, max(len(b.Essays), 1)))
	}
	timedOut := 0
	if b.Status == StatusValidationTimeoutProcessed {
		timedOut = 1 + g.rng.IntN(4)
	}
	for k, e := range b.Essays {
		a := Association{
			EssayID:     e.ID,
			StudentName: studentNames[(k+g.rng.IntN(3))%len(studentNames)],
			Status:      AssocConfirmed,
			CreatedAt:   matched.Add(time.Duration(k) * 7 * time.Second),
		}
		switch r := g.rng.Float64(); {
		case k < pending:
			a.Status = AssocPendingValidation
		case k < timedOut:
			a.Status = AssocTimeoutConfirmed
		case r < 0.04:
			a.Status = AssocNoMatch
		case r < 0.07:
			a.Status = AssocRejected
		}
		b.Associations = append(b.Associations, a)
	}
}
