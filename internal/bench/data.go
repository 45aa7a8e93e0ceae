package bench

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/essaylab/teacher-bff/internal/devstack"
)

var idSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://essaylab.dev/bffbench"))

// Teacher is a teacher the load drives, with the ids of their batches in
// RAS order (newest first).
type Teacher struct {
	ID      string
	Batches []string
}

// SeedDashboardTeachers adds n teachers named prefix-0001… to store, each
// with a copy of devstack.TeacherWithOrg's batches (fresh ids, same classes,
// essays and associations) and balance: every virtual teacher has the big
// dashboard, and no two share a batch id, so nothing the BFF might cache by
// batch is shared between them.
func SeedDashboardTeachers(store *devstack.Store, prefix string, n int) ([]Teacher, error) {
	src := store.BatchIDs(devstack.TeacherWithOrg)
	balance, _ := store.Balance(devstack.TeacherWithOrg)
	out := make([]Teacher, n)
	for i := range out {
		t := Teacher{ID: fmt.Sprintf("%s-%04d", prefix, i+1)}
		for k, id := range src {
			b, ok := store.Batch(id)
			if !ok {
				return nil, fmt.Errorf("seed: batch %s vanished", id)
			}
			b.ID = uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%s/%d", t.ID, k)).String()
			b.UserID = t.ID
			if err := store.PutBatch(b); err != nil {
				return nil, fmt.Errorf("seed: %w", err)
			}
			t.Batches = append(t.Batches, b.ID)
		}
		store.SetBalance(t.ID, balance)
		out[i] = t
	}
	return out, nil
}

// SeedFanoutTeachers adds n teachers named prefix-00001… to store, each
// with one processing batch of `essays` essays in one shared class: the
// smallest state a live update needs (the BFF fetches the batch's base state
// from RAS and its class from CMS per event).
func SeedFanoutTeachers(store *devstack.Store, prefix string, n, essays int) ([]Teacher, error) {
	classID := uuid.NewSHA1(idSpace, []byte(prefix+"/class")).String()
	store.PutClass(devstack.Class{ID: classID, Name: "BENCH1"})
	now := store.Now()
	started := now.Add(-time.Hour)
	out := make([]Teacher, n)
	for i := range out {
		t := Teacher{ID: fmt.Sprintf("%s-%05d", prefix, i+1)}
		id := uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%s/batch", t.ID)).String()
		b := devstack.Batch{
			ID: id, UserID: t.ID, Title: "Fan-out " + t.ID,
			Status:              devstack.StatusProcessingPipelines,
			RequestedPipeline:   devstack.PhaseCJAssessment,
			ClassID:             classID,
			CreatedAt:           now.Add(-2 * time.Hour),
			LastUpdated:         started,
			ProcessingStartedAt: &started,
		}
		for k := range essays {
			b.Essays = append(b.Essays, devstack.Essay{
				ID:               uuid.NewSHA1(idSpace, fmt.Appendf(nil, "%s/essay/%d", t.ID, k)).String(),
				Filename:         fmt.Sprintf("elev%02d.docx", k+1),
				SpellcheckStatus: devstack.EssayProcessing, CJAssessmentStatus: devstack.EssayPending,
				LastUpdated: started,
			})
		}
		if err := store.PutBatch(b); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		t.Batches = []string{id}
		out[i] = t
	}
	return out, nil
}
