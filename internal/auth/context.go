package auth

import "context"

// ctxKey is unexported so no other package can read or overwrite the
// Teacher except through these helpers.
type ctxKey struct{}

// WithTeacher returns a context carrying t.
func WithTeacher(ctx context.Context, t Teacher) context.Context {
	return context.WithValue(ctx, ctxKey{}, t)
}

// TeacherFrom returns the Teacher stored by WithTeacher, if any.
func TeacherFrom(ctx context.Context) (Teacher, bool) {
	t, ok := ctx.Value(ctxKey{}).(Teacher)
	return t, ok
}
