package upstream_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/essaylab/teacher-bff/internal/upstream"
)

func TestErrorTextLeavesDetailToLogs(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	e := &upstream.Error{Service: "cms", Endpoint: "class-info", Kind: upstream.KindStatus,
		StatusCode: 500, Detail: "db password wrong", Err: cause}
	if got, want := e.Error(), "cms class-info: status 500: dial tcp: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, cause) {
		t.Error("Unwrap does not reach the cause")
	}

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Error("upstream failed", "err", e)
	for _, want := range []string{"err.service=cms", "err.endpoint=class-info", "err.kind=status",
		"err.status=500", `err.detail="db password wrong"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %q", buf.String(), want)
		}
	}
}
