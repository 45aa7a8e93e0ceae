package devstack

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func classInfoURL(st *Stack, ids ...string) string {
	return st.CMS.URL + "/internal/v1/batches/class-info?batch_ids=" + strings.Join(ids, ",")
}

func validationURL(st *Stack, ids ...string) string {
	return st.CMS.URL + "/internal/v1/batches/validation-status?batch_ids=" + strings.Join(ids, ",")
}

// seeded finds seeded batches of a teacher matching pred.
func seeded(t *testing.T, st *Stack, user string, pred func(Batch) bool) []Batch {
	t.Helper()
	var out []Batch
	for _, id := range st.Store.BatchIDs(user) {
		if b, _ := st.Store.Batch(id); pred(b) {
			out = append(out, b)
		}
	}
	require.NotEmpty(t, out, "the seed has such batches")
	return out
}

const unknownBatch = "00000000-0000-4000-8000-00000000beef"

func TestClassInfo(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	withClass := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.ClassID != "" })[0]
	guest := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.ClassID == "" })[0]
	other := seeded(t, st, TeacherColleague, func(b Batch) bool { return b.ClassID != "" })[0]
	upper := strings.ToUpper(withClass.ID)

	var got map[string]*wireClass
	c.getJSON(classInfoURL(st, withClass.ID, guest.ID, unknownBatch, other.ID, upper), http.StatusOK, &got)
	require.Len(t, got, 5, "every requested id is a key")
	class, _ := st.Store.Class(withClass.ClassID)
	assert.Equal(t, &wireClass{ClassID: withClass.ClassID, ClassName: class.Name}, got[withClass.ID])
	assert.Equal(t, got[withClass.ID], got[upper], "keys are spelled as requested")
	assert.Contains(t, got, guest.ID)
	assert.Nil(t, got[guest.ID], "guest batch has no class")
	assert.Contains(t, got, unknownBatch)
	assert.Nil(t, got[unknownBatch])
	assert.NotNil(t, got[other.ID], "CMS answers for any teacher's batch")
	assert.Regexp(t, `^[A-Z]{2}\d{2}[A-Z]$|^IMSPR$`, got[withClass.ID].ClassName)
}

func TestValidationStatusSeeded(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	pending := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.Status == StatusAwaitingStudentValidation })
	none := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.Associations == nil })[0]
	ids := []string{none.ID, unknownBatch}
	for _, b := range pending {
		ids = append(ids, b.ID)
	}
	var got map[string]*wireValidation
	c.getJSON(validationURL(st, ids...), http.StatusOK, &got)
	require.Len(t, got, len(ids))
	assert.Nil(t, got[none.ID])
	assert.Nil(t, got[unknownBatch])
	for _, b := range pending {
		v := got[b.ID]
		require.NotNil(t, v)
		assert.Equal(t, b.ID, v.BatchID)
		assert.Positive(t, v.DeviationCount)
		require.NotNil(t, v.AutoConfirmDeadline)
		assert.True(t, v.AutoConfirmDeadline.After(testNow), "deadline %s is in the future", v.AutoConfirmDeadline)
		assert.Equal(t, len(b.Essays), v.TotalAssociations)
		assert.LessOrEqual(t, v.ConfirmedAssociations+v.DeviationCount, v.TotalAssociations)
	}
}

func TestValidationDerivation(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	id := seeded(t, st, TeacherWithOrg, func(b Batch) bool { return b.ClassID != "" })[0].ID
	t0 := time.Date(2025, 12, 10, 8, 0, 0, 0, time.UTC)
	a := func(status string, created time.Time) Association {
		return Association{EssayID: "e", Status: status, CreatedAt: created}
	}
	tests := []struct {
		name   string
		assocs []Association
		want   *wireValidation
	}{
		{"no validation data", nil, nil},
		{"no associations yet", []Association{}, &wireValidation{BatchID: id}},
		{"all confirmed", []Association{a(AssocConfirmed, t0), a(AssocConfirmed, t0)},
			&wireValidation{BatchID: id, TotalAssociations: 2, ConfirmedAssociations: 2}},
		{"timeout confirmed counts as confirmed",
			[]Association{a(AssocConfirmed, t0), a(AssocTimeoutConfirmed, t0), a(AssocRejected, t0), a(AssocNoMatch, t0)},
			&wireValidation{BatchID: id, TotalAssociations: 4, ConfirmedAssociations: 2}},
		{"deadline from the earliest pending",
			[]Association{
				a(AssocPendingValidation, t0.Add(time.Hour)), a(AssocConfirmed, t0.Add(-5*time.Hour)),
				a(AssocPendingValidation, t0), a(AssocPendingValidation, t0.Add(2*time.Hour)),
			},
			&wireValidation{BatchID: id, DeviationCount: 3, AutoConfirmDeadline: ptr(t0.Add(24 * time.Hour)),
				TotalAssociations: 4, ConfirmedAssociations: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, st.Store.SetAssociations(id, tt.assocs))
			var got map[string]*wireValidation
			c.getJSON(validationURL(st, id), http.StatusOK, &got)
			require.Contains(t, got, id)
			assert.Equal(t, tt.want, got[id])
		})
	}
}

func TestCMSRejectsBadIDs(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = seedID(7, "bulk", i)
	}
	tests := []struct {
		name string
		ids  []string
	}{
		{"101 ids", ids},
		{"not a uuid", []string{ids[0], "batch-1"}},
		{"uuid in braces", []string{"{" + ids[0] + "}"}},
		{"empty element", []string{ids[0], ""}},
		{"no ids", nil},
	}
	for _, tt := range tests {
		for _, u := range []func(*Stack, ...string) string{classInfoURL, validationURL} {
			t.Run(tt.name, func(t *testing.T) { c.requireError(u(st, tt.ids...), http.StatusBadRequest) })
		}
	}
	t.Run("100 ids are fine", func(t *testing.T) {
		var got map[string]json.RawMessage
		c.getJSON(classInfoURL(st, ids[:100]...), http.StatusOK, &got)
		assert.Len(t, got, 100)
	})
}

func TestEntitlementsBalance(t *testing.T) {
	st := startStack(t, Options{})
	c := newCaller(t)
	tests := []struct {
		user string
		want string
	}{
		{TeacherWithOrg, `{"user_balance":847,"org_balance":12000,"org_id":"org-7"}`},
		{TeacherWithoutOrg, `{"user_balance":120,"org_balance":null,"org_id":null}`},
		{TeacherColleague, `{"user_balance":2350,"org_balance":12000,"org_id":"org-7"}`},
		{TeacherEmpty, `{"user_balance":25,"org_balance":null,"org_id":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			var got json.RawMessage
			c.getJSON(st.Entitlements.URL+"/v1/entitlements/balance/"+tt.user, http.StatusOK, &got)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		c.requireError(st.Entitlements.URL+"/v1/entitlements/balance/teacher-404", http.StatusNotFound)
	})
	t.Run("SetBalance and DeleteBalance", func(t *testing.T) {
		org := 5
		st.Store.SetBalance("teacher-9", Balance{UserBalance: 1, OrgBalance: &org, OrgID: ptr("org-9")})
		var got json.RawMessage
		c.getJSON(st.Entitlements.URL+"/v1/entitlements/balance/teacher-9", http.StatusOK, &got)
		assert.JSONEq(t, `{"user_balance":1,"org_balance":5,"org_id":"org-9"}`, string(got))
		st.Store.DeleteBalance("teacher-9")
		c.requireError(st.Entitlements.URL+"/v1/entitlements/balance/teacher-9", http.StatusNotFound)
	})
}
