package auth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestContextHelpers(t *testing.T) {
	teacher := Teacher{ID: "teacher-1", OrgID: "org-1", ExpiresAt: testNow}

	got, ok := TeacherFrom(context.Background())
	assert.False(t, ok, "empty context has no teacher")
	assert.Zero(t, got)

	ctx := WithTeacher(context.Background(), teacher)
	got, ok = TeacherFrom(ctx)
	assert.True(t, ok)
	assert.Equal(t, teacher, got)

	// A value stored under a look-alike key from elsewhere is not ours.
	type ctxKey struct{}
	foreign := context.WithValue(context.Background(), ctxKey{}, teacher)
	_, ok = TeacherFrom(foreign)
	assert.False(t, ok)

	// Inner WithTeacher shadows the outer one without changing it.
	inner := WithTeacher(ctx, Teacher{ID: "teacher-2"})
	got, _ = TeacherFrom(inner)
	assert.Equal(t, "teacher-2", got.ID)
	got, _ = TeacherFrom(ctx)
	assert.Equal(t, "teacher-1", got.ID)
}
