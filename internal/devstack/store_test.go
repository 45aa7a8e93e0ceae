package devstack

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshotJSON is everything the three services answer about the seeded
// teachers, as raw bytes.
func snapshotJSON(t *testing.T, st *Stack) []string {
	t.Helper()
	c := newCaller(t)
	var out []string
	for _, user := range []string{TeacherWithOrg, TeacherWithoutOrg, TeacherColleague, TeacherEmpty} {
		for offset := 0; offset < 150; offset += 100 {
			out = append(out, string(c.get(listURL(st, user, "limit=100&offset="+itoa(offset))).body))
		}
		ids := st.Store.BatchIDs(user)
		for _, id := range ids {
			out = append(out, string(c.get(statusURL(st, id)).body))
		}
		for chunk := range slices.Chunk(ids, MaxBulkIDs) {
			out = append(out, string(c.get(classInfoURL(st, chunk...)).body),
				string(c.get(validationURL(st, chunk...)).body))
		}
		out = append(out, string(c.get(st.Entitlements.URL+"/v1/entitlements/balance/"+user).body))
	}
	return out
}

func TestDeterministicSeed(t *testing.T) {
	a := startStack(t, Options{Seed: 42})
	b := startStack(t, Options{Seed: 42})
	other := startStack(t, Options{Seed: 43})
	later := startStack(t, Options{Seed: 42, Now: testNow.Add(time.Hour)})

	snapA := snapshotJSON(t, a)
	assert.Equal(t, snapA, snapshotJSON(t, b), "same seed and now: same answers")
	assert.NotEqual(t, a.Store.BatchIDs(TeacherWithOrg), other.Store.BatchIDs(TeacherWithOrg), "another seed: other ids")
	assert.Equal(t, a.Store.BatchIDs(TeacherWithOrg), later.Store.BatchIDs(TeacherWithOrg), "same seed: same ids")
	first, _ := a.Store.Batch(a.Store.BatchIDs(TeacherWithOrg)[0])
	moved, _ := later.Store.Batch(first.ID)
	assert.Equal(t, time.Hour, moved.CreatedAt.Sub(first.CreatedAt), "data is relative to Now")
}

// TestSeedShape holds for every seed: the lead's tests rely on it.
func TestSeedShape(t *testing.T) {
	for _, seed := range []int64{1, 2, 7, -3, 12345} {
		t.Run(itoa(int(seed)), func(t *testing.T) { checkSeedShape(t, seed) })
	}
}

func checkSeedShape(t *testing.T, seed int64) {
	s := NewStore(Options{Now: testNow, Seed: seed})
	byStatus := func(user string) map[string]int {
		m := map[string]int{}
		for _, id := range s.BatchIDs(user) {
			b, _ := s.Batch(id)
			m[b.Status]++
		}
		return m
	}
	t1 := byStatus(TeacherWithOrg)
	processing := 0
	for _, st := range processingStatuses {
		processing += t1[st]
	}
	assert.GreaterOrEqual(t, len(s.BatchIDs(TeacherWithOrg)), 60)
	assert.GreaterOrEqual(t, processing, 50)
	assert.GreaterOrEqual(t, t1[StatusCompletedSuccessfully], 20)
	assert.GreaterOrEqual(t, t1[StatusCompletedWithFailures], 20)
	for _, user := range []string{TeacherWithOrg, TeacherWithoutOrg, TeacherColleague} {
		m := byStatus(user)
		for _, st := range InternalStatuses() {
			assert.Positive(t, m[st], "%s has a batch in %s", user, st)
		}
		assert.GreaterOrEqual(t, len(s.BatchIDs(user)), 24, "dozens of batches for %s", user)
	}
	assert.Empty(t, s.BatchIDs(TeacherEmpty))

	var untitled, assignmentOnly, guests, noValidation, pending, noEssays int
	for _, id := range s.BatchIDs(TeacherWithOrg) {
		b, _ := s.Batch(id)
		require.True(t, isUUID(b.ID))
		assert.False(t, b.LastUpdated.After(testNow), "%s updated in the future", b.ID)
		assert.False(t, b.CreatedAt.After(b.LastUpdated), "%s updated before created", b.ID)
		switch {
		case b.Title == "" && b.AssignmentID == "":
			untitled++
		case b.Title == "":
			assignmentOnly++
		}
		if b.ClassID == "" {
			guests++
		} else {
			c, ok := s.Class(b.ClassID)
			require.True(t, ok)
			assert.Regexp(t, `^[A-Z]{2}\d{2}[A-Z]$`, c.Name)
		}
		switch v := b.Validation(); {
		case v == nil:
			noValidation++
		case v.DeviationCount > 0:
			pending++
			assert.True(t, v.AutoConfirmDeadline.After(testNow), "countdown of %s is running", b.ID)
		}
		if len(b.Essays) == 0 {
			noEssays++
		}
		if b.Status == StatusGuestClassReady {
			assert.Empty(t, b.ClassID)
		}
	}
	assert.Positive(t, untitled, "some batches have neither title nor assignment")
	assert.Positive(t, assignmentOnly, "some batches have only an assignment id")
	assert.Positive(t, guests)
	assert.Positive(t, noValidation)
	assert.Positive(t, pending)
	assert.Positive(t, noEssays)
}

func TestStoreMutations(t *testing.T) {
	s := NewStore(Options{Now: testNow, Seed: 1})
	id := s.BatchIDs(TeacherWithOrg)[0]
	before, _ := s.Batch(id)

	t.Run("getters return copies", func(t *testing.T) {
		b, _ := s.Batch(id)
		b.Essays[0].Filename = "changed.docx"
		b.Title = "changed"
		again, _ := s.Batch(id)
		assert.Equal(t, before, again)
	})
	t.Run("essay statuses", func(t *testing.T) {
		require.NoError(t, s.SetEssayStatuses(id, EssayCompleted, EssayProcessing))
		b, _ := s.Batch(id)
		assert.Equal(t, PhaseCJAssessment, b.CurrentPhase())
		assert.True(t, b.LastUpdated.After(before.LastUpdated))

		require.NoError(t, s.SetEssayStatus(id, b.Essays[0].ID, "", EssayCompleted))
		b2, _ := s.Batch(id)
		assert.Equal(t, 1, b2.CompletedEssays())
		assert.Equal(t, 1, *b2.Essays[0].CJRank)
		assert.NotNil(t, b2.Essays[0].CJScore)
		assert.True(t, b2.LastUpdated.After(b.LastUpdated), "every change moves last_updated")

		err := s.SetEssayStatus(id, "nope", EssayFailed, "")
		assert.True(t, errors.Is(err, ErrNotFound))
		assert.Error(t, s.SetEssayStatuses(id, "done", ""), "unknown phase status")
	})
	t.Run("batch status fills processing times", func(t *testing.T) {
		require.NoError(t, s.SetBatchStatus(id, StatusProcessingPipelines))
		require.NoError(t, s.SetBatchStatus(id, StatusCompletedWithFailures))
		b, _ := s.Batch(id)
		assert.NotNil(t, b.ProcessingStartedAt)
		assert.NotNil(t, b.ProcessingCompletedAt)
		assert.Error(t, s.SetBatchStatus(id, "processing"), "client statuses are not internal ones")
		assert.ErrorIs(t, s.SetBatchStatus(unknownBatch, StatusCancelled), ErrNotFound)
	})
	t.Run("put, replace and delete", func(t *testing.T) {
		b := Batch{ID: strings.ToUpper(unknownBatch), UserID: TeacherEmpty, Status: StatusCancelled}
		require.NoError(t, s.PutBatch(b))
		assert.Equal(t, []string{unknownBatch}, s.BatchIDs(TeacherEmpty))
		b.Title = "Replaced"
		require.NoError(t, s.PutBatch(b))
		got, ok := s.Batch(unknownBatch)
		require.True(t, ok)
		assert.Equal(t, "Replaced", got.Title)
		assert.Equal(t, testNow, got.CreatedAt, "zero created_at is stamped")
		s.DeleteBatch(unknownBatch)
		assert.Empty(t, s.BatchIDs(TeacherEmpty))
		assert.Error(t, s.PutBatch(Batch{ID: "x", UserID: TeacherEmpty, Status: StatusCancelled}))
		assert.Error(t, s.PutBatch(Batch{ID: unknownBatch, Status: StatusCancelled}))
	})
	t.Run("class link", func(t *testing.T) {
		s.PutClass(Class{ID: "c0ffee00-0000-4000-8000-000000000001", Name: "NA24X"})
		require.NoError(t, s.SetBatchClass(id, "c0ffee00-0000-4000-8000-000000000001"))
		b, _ := s.Batch(id)
		c, ok := s.Class(b.ClassID)
		require.True(t, ok)
		assert.Equal(t, "NA24X", c.Name)
	})
}

func TestStatusEvent(t *testing.T) {
	st := startStack(t, Options{})
	b := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.Status == StatusAwaitingStudentValidation })[0]
	msg, err := st.Store.StatusEvent(b.ID)
	require.NoError(t, err)
	v := b.Validation()
	assert.JSONEq(t, `{"event":"batch_status_updated","data":{
		"batch_id":"`+b.ID+`","status":"processing","completed_essays":0,"failed_essays":0,
		"processing_phase":null,"completed_at":null,"category":"student_workflow","priority":"immediate",
		"action_required":true,"deadline":"`+v.AutoConfirmDeadline.Format(time.RFC3339)+`",
		"class_id":"`+b.ClassID+`","correlation_id":"`+eventID(1, b.ID, b.LastUpdated)+`",
		"timestamp":"`+b.LastUpdated.Format(time.RFC3339)+`"}}`, string(msg))

	rec := &recorder{}
	require.NoError(t, st.Store.PublishStatus(t.Context(), rec, b.ID))
	got := rec.take()
	require.Len(t, got, 1)
	assert.Equal(t, b.UserID, got[0].userID)
	assert.Equal(t, msg, got[0].msg)

	_, err = st.Store.StatusEvent(unknownBatch)
	assert.ErrorIs(t, err, ErrNotFound)
}
